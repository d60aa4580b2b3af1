//! Parts of the OpenAPI document that the derive attributes cannot say: enums of the values a
//! text field accepts, a value of one of two formats, and "at least one of these fields".
//! The document has to describe exactly what the parsers accept: the spec-driven fuzz run
//! (`scripts/api-fuzz`) sends what it allows and expects it accepted, and what it forbids and
//! expects it refused.

use serde_json::json;
use utoipa::openapi::schema::{
    AnyOfBuilder, KnownFormat, Object, ObjectBuilder, Schema, SchemaFormat, SchemaType, Type,
};
use utoipa::openapi::{OpenApi, RefOr};
use utoipa::{PartialSchema, ToSchema};

use super::model::IngestRequest;

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

/// Request bodies that need at least one of some optional fields, and not null: a media
/// contact (`name`, `organization`, `phone` or `email`) and a copy to verify (`content` or
/// `sha256`). Each says so with an `anyOf` beside its properties. utoipa's object schema has no
/// `anyOf`, so it goes in through the map its extensions are flattened from.
pub struct AtLeastOneField;

/// The schemas [`AtLeastOneField`] constrains, with their fields.
const NEEDS_ONE_OF: [(&str, &[&str]); 2] = [
    ("ContactInput", &["name", "organization", "phone", "email"]),
    ("VerifyRequest", &["content", "sha256"]),
];

impl utoipa::Modify for AtLeastOneField {
    fn modify(&self, openapi: &mut OpenApi) {
        let Some(components) = openapi.components.as_mut() else {
            return;
        };
        for (name, fields) in NEEDS_ONE_OF {
            let Some(RefOr::T(Schema::Object(schema))) = components.schemas.get_mut(name) else {
                continue;
            };
            let one_of_them: Vec<_> = fields
                .iter()
                .map(|field| json!({"required": [field], "properties": {*field: {"type": "string"}}}))
                .collect();
            schema
                .extensions
                .get_or_insert_with(Default::default)
                .insert("anyOf".to_owned(), one_of_them.into());
        }
    }
}

/// The ingest request's schema for a request that takes its fields (`keep`: some of them, or
/// `None` for all): those in `required` are required, the others optional and nullable (null
/// counts as absent, as on ingest).
pub fn ingest_fields(keep: Option<&[&str]>, required: &[&str], description: &str) -> RefOr<Schema> {
    let mut schema = IngestRequest::schema();
    if let RefOr::T(Schema::Object(object)) = &mut schema {
        if let Some(keep) = keep {
            object.properties.retain(|name, _| keep.contains(&name.as_str()));
        }
        for (name, property) in object.properties.iter_mut() {
            if let (false, RefOr::T(Schema::Object(field))) = (required.contains(&name.as_str()), property) {
                make_nullable(field);
            }
        }
        object.required = required.iter().map(ToString::to_string).collect();
        object.description = Some(description.to_owned());
    }
    schema
}

fn make_nullable(field: &mut Object) {
    if let SchemaType::Type(kind) = field.schema_type.clone() {
        if kind != Type::Null {
            field.schema_type = SchemaType::from_iter([kind, Type::Null]);
        }
    }
}

/// A statement sent as the raw body (`text/plain`, `text/html`, `text/markdown`): the
/// ingest request's `content`.
pub struct DocumentBody;

impl PartialSchema for DocumentBody {
    fn schema() -> RefOr<Schema> {
        match IngestRequest::schema() {
            RefOr::T(Schema::Object(mut object)) => {
                let mut content = object
                    .properties
                    .swap_remove("content")
                    .unwrap_or_else(String::schema);
                if let RefOr::T(Schema::Object(field)) = &mut content {
                    field.description = Some("The document, UTF-8, not blank.".to_owned());
                }
                content
            }
            _ => String::schema(),
        }
    }
}

impl ToSchema for DocumentBody {}
