// Container images as the test cluster knows them. The pod agent runs host binaries, so an
// image here is only what a pod would get from it: the ENTRYPOINT (used when a container
// names no `command`, as Spark's executor pods do: they carry only `args: [executor]`), the
// ENV defaults, and files the image holds at fixed paths (bind-mounted over the same path in
// the container's mount namespace). Images not listed have none of these.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { SPARK_STARTUP_SCRIPT, SPARK_STARTUP_SCRIPT_IN_IMAGE } from '../../server/spark/spark-conf';
import { REPO_ROOT } from './config';
import { testPython } from '../helpers/python';

export interface TTestImage {
  entrypoint: string[];
  /** Lazily: computing one may run a program. */
  env(): Record<string, string>;
  /** Path in the container → host file. */
  files: Record<string, string>;
}

let sparkHome: string | null = null;

/** The Spark inside PyPI's pyspark in the test Python: what the PySpark image's SPARK_HOME holds. */
function pysparkHome(): string {
  sparkHome ??= execFileSync(testPython(), ['-c', 'import os, pyspark; print(os.path.dirname(pyspark.__file__))'], { encoding: 'utf8' }).trim();
  return sparkHome;
}

/** By repository name without registry, path or tag: `lattice/kernel-pyspark:latest` → `kernel-pyspark`. */
const IMAGES: Record<string, TTestImage> = {
  // deploy/kernel-pyspark.Dockerfile: the same entrypoint script, SPARK_HOME and startup script.
  'kernel-pyspark': {
    entrypoint: ['/bin/sh', path.join(REPO_ROOT, 'deploy', 'kernel-pyspark-entrypoint.sh')],
    env: () => ({ SPARK_HOME: pysparkHome() }),
    files: { [SPARK_STARTUP_SCRIPT_IN_IMAGE]: SPARK_STARTUP_SCRIPT },
  },
};

export function testImage(image: string | undefined): TTestImage | null {
  if (!image) return null;
  const name = image.split('@')[0]!.split('/').pop()!.split(':')[0]!;
  return IMAGES[name] ?? null;
}
