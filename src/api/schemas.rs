//! Parts of the OpenAPI document that the derive attributes cannot say: enums of the values a
//! text field accepts, a value of one of two formats, and a contact's "at least one field".
//! The document has to describe exactly what the parsers accept: the spec-driven fuzz run
//! (`scripts/api-fuzz`) sends what it allows and expects it accepted, and what it forbids and
//! expects it refused.

use serde_json::json;
use utoipa::openapi::schema::{AnyOfBuilder, KnownFormat, ObjectBuilder, Schema, SchemaFormat, Type};
use utoipa::openapi::{OpenApi, RefOr};
use utoipa::ToSchema;

/// The media type of a statement's content.
#[derive(ToSchema)]
#[schema(as = ContentType)]
#[allow(dead_code)] // a schema only: `ContentType::parse` reads the text
pub enum ContentTypeName {
    #[schema(rename = "text/plain")]
    Plain,
    #[schema(rename = "text/html")]
    Html,
    #[schema(rename = "text/markdown")]
    Markdown,
}

/// What an API key may do: `reader` (reads), `writer` (reads and ingest), `admin` (everything,
/// including managing keys).
#[derive(ToSchema)]
#[schema(as = Role, rename_all = "lowercase")]
#[allow(dead_code)] // a schema only: `Role::parse` reads the text
pub enum RoleName {
    Reader,
    Writer,
    Admin,
}

/// `published_at` of an ingest request: a date or an RFC 3339 date-time with offset, or null.
pub fn published_at() -> RefOr<Schema> {
    let string = |format| {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .format(Some(SchemaFormat::KnownFormat(format)))
    };
    AnyOfBuilder::new()
        .item(string(KnownFormat::Date))
        .item(string(KnownFormat::DateTime))
        .item(ObjectBuilder::new().schema_type(Type::Null))
        .description(Some(
            "Publication date as the source gives it: a date (`2017-08-16`) or an RFC 3339 \
             date-time with offset. The precision given is kept.",
        ))
        .examples([json!("2017-08-16")])
        .into()
}

/// A media contact must have at least one of its fields, and not null: `ContactInput` says so
/// with an `anyOf` beside its properties. utoipa's object schema has no `anyOf`, so it goes in
/// through the map its extensions are flattened from.
pub struct ContactNeedsAField;

impl utoipa::Modify for ContactNeedsAField {
    fn modify(&self, openapi: &mut OpenApi) {
        let Some(RefOr::T(Schema::Object(contact))) = openapi
            .components
            .as_mut()
            .and_then(|components| components.schemas.get_mut("ContactInput"))
        else {
            return;
        };
        let one_of_them: Vec<_> = ["name", "organization", "phone", "email"]
            .into_iter()
            .map(|field| json!({"required": [field], "properties": {field: {"type": "string"}}}))
            .collect();
        contact
            .extensions
            .get_or_insert_with(Default::default)
            .insert("anyOf".to_owned(), one_of_them.into());
    }
}
