//! One spelling per resource: a request path that is not in canonical form is refused with
//! 400 before any handler runs, so that no check anywhere (access, rate limits, logs) can be
//! passed by spelling a path differently from the way the router reads it.
//!
//! The router matches the path with the percent-escapes of ordinary characters decoded
//! (`/%761/statements` is `/v1/statements` to it; only `%25`, `%2F` and `%2B` stay escaped). A
//! canonical path is one the router reads exactly as sent, with no empty segment (`//`) and
//! no `.` or `..` segment. Browsers, curl and HTTP libraries send paths in this form; only a
//! hand-made request does not.

use super::problem::ApiError;

/// Paths whose rest is an archived URL, not a path of ours (Memento's `/web/{url}`): only the
/// prefix is checked, and the handler reads the rest as sent. Every route under them is a read
/// with the same access rule, so no spelling of the rest can pass a check another fails.
const EMBEDDED_URL_PREFIXES: &[&str] = &["/web/"];

/// Refuses `raw`, the path as sent, unless it is canonical; `routed` is the path the router
/// matches (`match_info().as_str()`).
pub fn check(raw: &str, routed: &str) -> Result<(), ApiError> {
    if EMBEDDED_URL_PREFIXES
        .iter()
        .any(|prefix| raw.starts_with(prefix) && routed.starts_with(prefix))
    {
        return Ok(());
    }
    let refuse = |why: &str| {
        Err(ApiError::bad_request(
            "path",
            format!("the path is not canonical: {why}"),
        ))
    };
    if raw != routed {
        return refuse("percent-escapes are allowed only for %, / and + (send other characters as they are)");
    }
    if raw.contains("//") {
        return refuse("it has an empty segment (//)");
    }
    if raw.split('/').any(|segment| segment == "." || segment == "..") {
        return refuse("it has a . or .. segment");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_paths_pass_and_others_are_refused() {
        let ok = [
            "/",
            "/v1/statements",
            "/docs/",
            "/v1/keys/ap-wire.2",
            "/v1/statements/0123456789abcdef0123456789abcdef/versions/1/content",
            "/no/such%2Fthing",
            "/web/2019/https://example.org/a%20b/../c",
        ];
        for path in ok {
            assert!(check(path, path).is_ok(), "{path}");
        }
        let refused = [
            ("/%761/statements", "/v1/statements"),
            ("/v%31/statements", "/v1/statements"),
            ("/v1//statements", "/v1//statements"),
            ("//v1/statements", "//v1/statements"),
            ("/v1/./statements", "/v1/./statements"),
            ("/x/../v1/statements", "/x/../v1/statements"),
            ("/v1/%2e%2e/statements", "/v1/../statements"),
        ];
        for (raw, routed) in refused {
            assert!(check(raw, routed).is_err(), "{raw}");
        }
    }
}
