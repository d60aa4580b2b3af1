//! The pages' stylesheet, script and icon, from `web/`, embedded in the binary so the service
//! needs no file beside it. Each is linked with `?v=` and the start of its SHA-256, so it can be
//! cached for good and a new build's version is fetched anew.

use std::sync::OnceLock;

use actix_web::http::header;
use actix_web::{web, HttpResponse};

use super::PageError;
use crate::domain::Sha256;

/// An embedded file: its name, media type and bytes.
struct Asset {
    name: &'static str,
    media_type: &'static str,
    bytes: &'static [u8],
}

const ASSETS: [Asset; 3] = [
    Asset {
        name: "app.css",
        media_type: "text/css; charset=utf-8",
        bytes: include_bytes!("../../web/app.css"),
    },
    Asset {
        name: "app.js",
        media_type: "text/javascript; charset=utf-8",
        bytes: include_bytes!("../../web/app.js"),
    },
    Asset {
        name: "icon.svg",
        media_type: "image/svg+xml",
        bytes: include_bytes!("../../web/icon.svg"),
    },
];

/// The first 16 hex digits of each asset's SHA-256, in the order of [`ASSETS`].
fn versions() -> &'static [String] {
    static VERSIONS: OnceLock<Vec<String>> = OnceLock::new();
    VERSIONS.get_or_init(|| {
        ASSETS
            .iter()
            .map(|asset| Sha256::of(asset.bytes).to_hex()[..16].to_owned())
            .collect()
    })
}

/// The address of the asset `name`, with its version.
pub fn href(name: &str) -> String {
    let version = ASSETS
        .iter()
        .position(|asset| asset.name == name)
        .and_then(|index| versions().get(index))
        .map_or("", String::as_str);
    format!("/assets/{name}?v={version}")
}

/// `GET /assets/{file}`.
pub async fn asset(file: web::Path<String>) -> Result<HttpResponse, PageError> {
    let asset = ASSETS
        .iter()
        .find(|asset| asset.name == file.as_str())
        .ok_or_else(|| PageError::not_found("No such file", "The service has no asset of that name."))?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, asset.media_type))
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .insert_header((header::CACHE_CONTROL, "public, max-age=31536000, immutable"))
        .insert_header(("Cross-Origin-Resource-Policy", "same-origin"))
        .body(asset.bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_asset_is_linked_with_its_version() {
        for asset in &ASSETS {
            let link = href(asset.name);
            assert!(link.starts_with(&format!("/assets/{}?v=", asset.name)));
            assert_eq!(link.len(), format!("/assets/{}?v=", asset.name).len() + 16);
            assert!(!asset.bytes.is_empty());
        }
    }
}
