//! Typed async client of the Loop Returns API (`/warehouse` return data and actions,
//! ASN report, grading and disposition, webhooks and their signature verification).
//!
//! Built on [`http-transport`]; the client arrives with its own issue.
