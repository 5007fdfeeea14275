//! The block explorer's static files, embedded in the binary: no build step, nothing fetched at run time.
//!
//! The page is one HTML document with plain JavaScript that reads the node's own JSON-RPC (`eth_*`, `zks_*`,
//! `ferrum_*`) over HTTP and follows new blocks over the same port's WebSocket (`eth_subscribe("newHeads")`).
//! The RPC server serves these under [`PREFIX`] (docs/architecture.md, "Block explorer").
#![no_std]

/// Where the RPC server serves the explorer.
pub const PREFIX: &str = "/explorer/";

/// One embedded file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Asset {
    /// The `Content-Type` header.
    pub content_type: &'static str,
    /// The file.
    pub body: &'static str,
}

const INDEX: Asset = Asset {
    content_type: "text/html; charset=utf-8",
    body: include_str!("../assets/index.html"),
};

const FILES: [(&str, Asset); 3] = [
    ("", INDEX),
    (
        "app.js",
        Asset {
            content_type: "text/javascript; charset=utf-8",
            body: include_str!("../assets/app.js"),
        },
    ),
    (
        "style.css",
        Asset {
            content_type: "text/css; charset=utf-8",
            body: include_str!("../assets/style.css"),
        },
    ),
];

/// The file at `path` below [`PREFIX`] (`""` or `"index.html"` is the page itself); `None` for anything else.
pub fn asset(path: &str) -> Option<Asset> {
    if path == "index.html" {
        return Some(INDEX);
    }
    FILES
        .iter()
        .find(|(name, _)| *name == path)
        .map(|(_, a)| *a)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_page_and_what_it_loads_are_served() {
        let index = asset("").unwrap_or_else(|| unreachable!());
        assert_eq!(asset("index.html"), Some(index));
        assert!(index.content_type.starts_with("text/html"));
        // Every file the page references is embedded, relative to the prefix.
        for name in ["app.js", "style.css"] {
            assert!(index.body.contains(name), "index.html does not load {name}");
            assert!(asset(name).is_some_and(|a| !a.body.is_empty()), "{name}");
        }
    }

    #[test]
    fn nothing_else_is_served() {
        for path in [
            "../Cargo.toml",
            "/app.js",
            "app.js/",
            "APP.JS",
            "lib.rs",
            "assets/app.js",
        ] {
            assert_eq!(asset(path), None, "{path}");
        }
    }
}
