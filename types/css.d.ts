// Global stylesheets imported for their side effect (app/globals.css, components' CSS):
// TypeScript 6 checks side-effect imports, and Next.js only declares CSS modules.
declare module '*.css';
