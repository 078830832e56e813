//! The Windows certificate store (placeholder while the adapter is written).
