//! One module per kind of page: each says what it lists and hands its
//! template views of just that.

pub mod accountability;
pub mod actions;
pub mod follow_through;
pub mod home;
pub mod insights;
pub mod owners;
mod patterns;
pub mod reliability;
pub mod response;
pub mod retro;
pub mod retro_index;
pub mod terms;
