"""The Content-Security-Policy every page carries, defined once.

Pages load scripts, styles and data only from the site itself; no inline script, no
inline style attribute, no frames, no plugins, no base-URI or form hijacking.
"""

# 'wasm-unsafe-eval' lets the search page run Pagefind's WebAssembly; nothing else evals.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self' 'wasm-unsafe-eval'",
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
