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

/**
 * The same policy for the `<meta>` tag in index.html: browsers ignore `frame-ancestors` there
 * (and warn), so it is only sent as a header (browser mode, and Electron's session).
 */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((d) => !d.startsWith('frame-ancestors'))
  .join('; ');
