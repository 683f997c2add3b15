"""The Content-Security-Policy every page carries, defined once.

Pages load scripts, styles and data only from the site itself; no inline script, no
inline style attribute, no frames, no plugins, no base-URI or form hijacking.
"""

# Search (templates/static/search.js + site/pagefind/) needs: its module scripts and
# Pagefind's Web Worker from the site itself ('self', worker-src), the index files it fetches
# (connect-src 'self'), and 'wasm-unsafe-eval' to compile Pagefind's WebAssembly where this
# policy applies (the page itself when no worker can start, or the worker when a host sends
# the policy as a header). Nothing evaluates strings as code.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
        "worker-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "font-src 'self'",
        "object-src 'none'",
        "frame-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
    ]
)
