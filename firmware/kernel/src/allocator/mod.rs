//! Kernel memory: static regions handed out once, and per-process grants.
//!
//! The paper's "allocator" trusted kind. `StaticRegion` turns a `static` into the unique
//! `&'static mut` its owner needs, which takes trusted code; `Grants` then carves kernel memory for
//! one process out of that process's own region, with safe slice splitting only.
//!
//! Only `static_region` allows `unsafe_code`; `grant` forbids it.

pub mod grant;
pub mod static_region;

pub use grant::Grants;
pub use static_region::{Claim, StaticRegion};
