//! What the pages draw, as HTML built with maud (every interpolated text is escaped).

pub mod chart;
pub mod prose;
pub mod source;
pub mod tables;
pub mod time;

pub use time::beijing_time;
