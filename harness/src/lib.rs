//! The `harness` application: the command line (`cli`), the reporters that render the engine's data for terminals,
//! files and CI (`report`), the interviewer's terminal UI (`ui`, `session`), practice mode and its history
//! (`practice`, `history`) and file watching (`watch`). Grading itself is `harness-engine`'s; confining candidate
//! processes is `harness-sandbox`'s. This crate is the only one that prints.

pub mod cli;
pub mod history;
pub mod practice;
pub mod report;
pub mod session;
pub mod store;
pub mod ui;
pub mod watch;
