//! The counter visit as a value (issue 19): the people by role with everything a form asks of
//! them, the guide's answers and staff's marks; from these, the data every form is filled from,
//! the report of what is left for the hand, the handout and the counter record. Plain Rust,
//! no browser: the desk runs it in WebAssembly, and every mapping is tested natively
//! (`cargo test -p mado-visit`) against the real rule packs and templates.
//!
//! # Mental model
//!
//! A visit names people by role ([`mado_forms::Role`]): the applicant who came (申請者・届出人),
//! the person concerned ([`People::subject`]: the applicant themselves, 本人が申請, or someone
//! else such as the deceased), the 世帯主 and the account holder, each either one of the first
//! two or someone with their own details ([`Who`]). Templates name the role a block is filled
//! by; [`forms::data`] resolves the roles into [`mado_forms::Data`], with the addresses before
//! and after a move ([`forms::Move`], from the pack's `visit.moves`), and
//! [`forms::hand_report`] lists what the batch still leaves for the hand.

pub mod card;
pub mod forms;
pub mod handout;
pub mod keep;
pub mod people;
pub mod record;
pub mod report;

pub use forms::{Desk, FormChoice, HandReport, Move};
pub use keep::{Outgoing, Printed, Visit};
pub use people::{Missing, People, Who};

/// How staff handled a procedure at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    /// 本日受付.
    Today,
    /// 後日.
    Later,
    /// 案内済み.
    Informed,
}

impl Mark {
    /// As the handout prints it, in Japanese whatever the screen's language.
    pub fn ja(self) -> &'static str {
        match self {
            Mark::Today => "本日受付",
            Mark::Later => "後日",
            Mark::Informed => "案内済み",
        }
    }
}
