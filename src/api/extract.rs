//! Handler of `/v1/extract`: what the extractor reads from a statement, and what an ingest of
//! the same body would record, without storing anything.

use actix_web::{post, web, HttpRequest};
use serde::Serialize;
use utoipa::openapi::{RefOr, Schema};
use utoipa::{PartialSchema, ToSchema};

use super::body::{read_json, BodyLimit};
use super::model::*;
use super::problem::ApiError;
use super::HeavyReads;
use crate::domain::{fill_unsent, StatementId};
use crate::extract::{extract, ContentKind, Extraction};

/// The body of `POST /v1/extract`: an ingest request whose `source_url` may be left out.
pub struct ExtractRequest;

impl PartialSchema for ExtractRequest {
    fn schema() -> RefOr<Schema> {
        super::schemas::ingest_fields(
            None,
            &["content"],
            "A body as `POST /v1/statements` takes it; only `content` is required here.",
        )
    }
}

impl ToSchema for ExtractRequest {}

/// The extractor's reading of a statement, and the metadata an ingest would record.
#[derive(Serialize, ToSchema)]
pub struct ExtractResult {
    /// The statement the `source_url` names, when one is given.
    pub statement_id: Option<String>,
    /// What `POST /v1/statements` would record for this body: the fields sent, and the others
    /// filled from the extraction (see `field_sources`).
    pub metadata: MetadataRecord,
    /// Everything the extractor found. Spans are byte ranges of `extraction.text`: the content
    /// itself for plain text and markdown, the text a reader sees for HTML.
    pub extraction: Extraction,
}

/// Extract provenance fields from a statement (dry run).
///
/// Reads the headline, publication date, dateline, media contacts, quoted speakers,
/// organizations, URLs, kind and page boilerplate out of the content, and shows the metadata an
/// ingest of the same body would record. Stores nothing.
#[utoipa::path(
    post,
    path = "/v1/extract",
    tag = "statements",
    operation_id = "extract",
    request_body(content = ExtractRequest, content_type = "application/json"),
    responses(
        (status = 200, description = "The extraction; nothing was stored.", body = ExtractResult),
        QueryErrors,
    )
)]
#[post("/v1/extract")]
pub async fn extract_statement(
    req: HttpRequest,
    payload: web::Payload,
    limit: web::Data<BodyLimit>,
    heavy: web::Data<HeavyReads>,
) -> Result<web::Json<ExtractResult>, ApiError> {
    let request: IngestRequest = read_json(&req, payload, **limit).await?;
    let parsed = request.parse(false)?;
    let statement_id = parsed.source_url.as_ref().map(StatementId::for_url);
    let kind = ContentKind::from_media_type(parsed.metadata.content_type.as_str());
    let (mut metadata, mut sources) = (parsed.metadata, parsed.sources);
    let extraction = heavy
        .run(move || Ok(extract(parsed.content.as_str(), kind)))
        .await?;
    fill_unsent(&mut metadata, &mut sources, &extraction);
    Ok(web::Json(ExtractResult {
        statement_id: statement_id.map(|id| id.to_string()),
        metadata: MetadataRecord::new(&metadata, sources),
        extraction,
    }))
}
