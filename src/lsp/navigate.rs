//! Navigation.
use super::Doc;
pub(crate) fn hover(_doc: &Doc, _at: lsp_types::Position) -> serde_json::Value {
    serde_json::Value::Null
}
pub(crate) fn definition(_doc: &Doc, _at: lsp_types::Position) -> serde_json::Value {
    serde_json::Value::Null
}
pub(crate) fn references(_doc: &Doc, _at: lsp_types::Position) -> serde_json::Value {
    serde_json::Value::Null
}
pub(crate) fn symbols(_doc: &Doc) -> serde_json::Value {
    serde_json::Value::Null
}
