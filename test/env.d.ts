// Test-only declarations: the bindings added in vitest.config.ts, and Vite's text imports.
declare namespace Cloudflare {
  interface Env {
    TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
  }
}

// Files a test reads as text (Vite's `?raw` imports), such as .dev.vars.example.
declare module '*?raw' {
  const text: string;
  export default text;
}
