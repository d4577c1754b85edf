/**
 * The Content-Security-Policy of the renderer, the same in Electron (response header and meta
 * tag) and in browser mode: only our own scripts, no remote content, no eval (WebAssembly
 * compilation is allowed for the imaging codecs).
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self' 'wasm-unsafe-eval'",
  "style-src 'self'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self' blob:",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
