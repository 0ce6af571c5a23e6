import { connectDb } from '../db/client';
import { buildApp } from './app';
import { loadConfig } from './config';

/** `npm run gateway`: listen, and close cleanly on SIGINT/SIGTERM. */
const config = loadConfig();
const database = connectDb(config.databaseUrl);
const app = await buildApp({ db: database.db, config });
await app.fastify.listen({ host: config.host, port: config.port });

let closing = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (closing) return;
    closing = true;
    app.fastify.log.info({ signal }, 'gateway shutting down');
    void app
      .close()
      .then(() => database.close())
      .then(
        () => process.exit(0),
        (err) => {
          app.fastify.log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
  });
}
