//! Runnable end-to-end flows of the Bergen SDK against the local simulators or
//! the real services. The flows arrive with their own issue.
