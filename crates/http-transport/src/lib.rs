//! The HTTP layer shared by the Bergen SDK clients.
