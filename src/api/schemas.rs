//! Parts of the OpenAPI document that the derive attributes cannot say, such as the values a
//! text field accepts. The document has to describe exactly what the parsers accept: the
//! spec-driven fuzz run (`scripts/api-fuzz`) sends what it allows and expects it accepted, and
//! what it forbids and expects it refused.

use utoipa::ToSchema;

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
