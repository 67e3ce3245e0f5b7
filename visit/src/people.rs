//! The people of a visit by role: one [`Person`] type for everyone a form names, filled from
//! the card, a pre-application or typing, and who plays which part (本人が申請: the applicant is
//! the person concerned, with nothing typed twice).

use mado_civil::Date;
use mado_forms::{Person, Role, Sex};
use serde::{Deserialize, Serialize};

/// Who fills a role: the applicant, the person concerned, or someone else.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Who {
    /// The applicant (本人が申請, 世帯主は申請者, 口座は申請者の名義).
    Applicant,
    /// The person concerned (世帯主は亡くなった方, 口座はご本人の名義).
    Subject,
    /// Another person, with their own details.
    Other(Box<Person>),
}

/// The people of a visit. The applicant is always there; the others are named by who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct People {
    pub applicant: Person,
    /// The person the procedures are about: the applicant, or someone else (the deceased).
    /// `Who::Subject` here means the applicant.
    pub subject: Who,
    /// 世帯主, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub householder: Option<Who>,
    /// Whose account money is paid into, when a form pays money.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee: Option<Who>,
    /// The child the forms are about (児童手当, 子ども医療), when it is not the person concerned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<Who>,
    /// The applicant's 配偶者.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse: Option<Who>,
    /// 生計維持者: who mainly supports the household.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supporter: Option<Who>,
}

impl Default for People {
    fn default() -> Self {
        People {
            applicant: Person::default(),
            subject: Who::Applicant,
            householder: None,
            payee: None,
            child: None,
            spouse: None,
            supporter: None,
        }
    }
}

impl People {
    /// People for a life event: the applicant is the person concerned where they can be
    /// (`visit.subject_can_apply` of the pack), otherwise a blank other person (the deceased).
    pub fn for_event(subject_can_apply: bool) -> People {
        People {
            subject: if subject_can_apply {
                Who::Applicant
            } else {
                Who::Other(Box::default())
            },
            ..People::default()
        }
    }

    /// The person concerned.
    pub fn subject(&self) -> &Person {
        match &self.subject {
            Who::Other(p) => p,
            Who::Applicant | Who::Subject => &self.applicant,
        }
    }

    /// Does the applicant apply for themselves?
    pub fn self_applying(&self) -> bool {
        !matches!(self.subject, Who::Other(_))
    }

    fn resolve<'a>(&'a self, who: &'a Who) -> &'a Person {
        match who {
            Who::Applicant => &self.applicant,
            Who::Subject => self.subject(),
            Who::Other(p) => p,
        }
    }

    /// The person in `role`, if the visit has one.
    pub fn get(&self, role: Role) -> Option<&Person> {
        match role {
            Role::Applicant => Some(&self.applicant),
            Role::Subject => Some(self.subject()),
            Role::Householder => self.householder.as_ref().map(|w| self.resolve(w)),
            Role::Payee => self.payee.as_ref().map(|w| self.resolve(w)),
            Role::Child => self.child.as_ref().map(|w| self.resolve(w)),
            Role::Spouse => self.spouse.as_ref().map(|w| self.resolve(w)),
            Role::Supporter => self.supporter.as_ref().map(|w| self.resolve(w)),
        }
    }

    /// The person in `role` to edit: the applicant's details when the role is theirs, the
    /// person concerned's when it is theirs.
    pub fn get_mut(&mut self, role: Role) -> Option<&mut Person> {
        #[derive(Clone, Copy)]
        enum Target {
            Applicant,
            Subject,
            Own,
        }
        let slot = match role {
            Role::Applicant => return Some(&mut self.applicant),
            Role::Subject => Some(&self.subject),
            Role::Householder => self.householder.as_ref(),
            Role::Payee => self.payee.as_ref(),
            Role::Child => self.child.as_ref(),
            Role::Spouse => self.spouse.as_ref(),
            Role::Supporter => self.supporter.as_ref(),
        }?;
        let target = match slot {
            Who::Other(_) => Target::Own,
            Who::Applicant => Target::Applicant,
            Who::Subject if self.self_applying() => Target::Applicant,
            Who::Subject => Target::Subject,
        };
        fn own(w: Option<&mut Who>) -> Option<&mut Person> {
            match w {
                Some(Who::Other(p)) => Some(p),
                _ => None,
            }
        }
        match (target, role) {
            (Target::Applicant, _) => Some(&mut self.applicant),
            (Target::Subject, _) | (Target::Own, Role::Subject) => own(Some(&mut self.subject)),
            (Target::Own, Role::Householder) => own(self.householder.as_mut()),
            (Target::Own, Role::Payee) => own(self.payee.as_mut()),
            (Target::Own, Role::Child) => own(self.child.as_mut()),
            (Target::Own, Role::Spouse) => own(self.spouse.as_mut()),
            (Target::Own, Role::Supporter) => own(self.supporter.as_mut()),
            (Target::Own, Role::Applicant) => None,
        }
    }

    /// What is missing before forms can print: the applicant's 基本4情報, the person
    /// concerned's name when it is someone else.
    pub fn missing(&self) -> Vec<Missing> {
        let a = &self.applicant;
        let mut out = Vec::new();
        if a.name.trim().is_empty() {
            out.push(Missing::Name(Role::Applicant));
        }
        if a.address.trim().is_empty() {
            out.push(Missing::Address);
        }
        if a.birth_date.is_none() {
            out.push(Missing::Birth);
        }
        if a.sex.is_none() {
            out.push(Missing::Sex);
        }
        for role in [
            Role::Subject,
            Role::Householder,
            Role::Payee,
            Role::Child,
            Role::Spouse,
            Role::Supporter,
        ] {
            let other = match role {
                Role::Subject => Some(&self.subject),
                Role::Householder => self.householder.as_ref(),
                Role::Payee => self.payee.as_ref(),
                Role::Child => self.child.as_ref(),
                Role::Spouse => self.spouse.as_ref(),
                _ => self.supporter.as_ref(),
            };
            if let Some(Who::Other(p)) = other
                && p.name.trim().is_empty()
            {
                out.push(Missing::Name(role));
            }
        }
        out
    }

    /// Clears every person: a new visit.
    pub fn clear(&mut self, subject_can_apply: bool) {
        *self = People::for_event(subject_can_apply);
    }
}

/// The text fields of a person as a form's source names them after the role (`kana`,
/// `account.number`): everything but the birth date and the sex.
pub const TEXT_FIELDS: &[&str] = &[
    "name",
    "kana",
    "address",
    "postal_code",
    "phone",
    "relation",
    "domicile",
    "family_head",
    "techo_number",
    "occupation",
    "insurance_kind",
    "insurance_holder",
    "insurer_name",
    "insurer_number",
    "insured_number",
    "care_number",
    "account.bank",
    "account.branch",
    "account.kind",
    "account.number",
    "account.holder",
];

fn text_slot<'a>(p: &'a mut Person, key: &str) -> Option<&'a mut String> {
    Some(match key {
        "name" => &mut p.name,
        "kana" => &mut p.kana,
        "address" => &mut p.address,
        "postal_code" => &mut p.postal_code,
        "phone" => &mut p.phone,
        "relation" => &mut p.relation,
        "domicile" => &mut p.domicile,
        "family_head" => &mut p.family_head,
        "techo_number" => &mut p.techo_number,
        "occupation" => &mut p.occupation,
        "insurance_kind" => &mut p.insurance_kind,
        "insurance_holder" => &mut p.insurance_holder,
        "insurer_name" => &mut p.insurer_name,
        "insurer_number" => &mut p.insurer_number,
        "insured_number" => &mut p.insured_number,
        "care_number" => &mut p.care_number,
        "account.bank" => &mut p.account.bank,
        "account.branch" => &mut p.account.branch,
        "account.kind" => &mut p.account.kind,
        "account.number" => &mut p.account.number,
        "account.holder" => &mut p.account.holder,
        _ => return None,
    })
}

/// One of [`TEXT_FIELDS`] of a person (empty for another key).
pub fn text(p: &Person, key: &str) -> String {
    let mut copy = p.clone();
    text_slot(&mut copy, key)
        .map(std::mem::take)
        .unwrap_or_default()
}

/// Sets one of [`TEXT_FIELDS`]; `false` for a key that is not one.
pub fn set_text(p: &mut Person, key: &str, value: String) -> bool {
    match text_slot(p, key) {
        Some(slot) => {
            *slot = value;
            true
        }
        None => false,
    }
}

/// Something the forms cannot print without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// A role's 氏名.
    Name(Role),
    /// The applicant's 住所.
    Address,
    /// The applicant's 生年月日.
    Birth,
    /// The applicant's 性別.
    Sex,
}

/// A date as a date field gives it (`YYYY-MM-DD`, or empty); `Err` with what was typed.
pub fn typed_date(text: &str) -> Result<Option<Date>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    Date::parse_iso(t)
        .map(Some)
        .map_err(|e| format!("「{t}」は日付として読めません（{e}）"))
}

/// `male` / `female` as forms and the wire write it; anything else is not known.
pub fn sex_of(text: &str) -> Option<Sex> {
    match text {
        "male" => Some(Sex::Male),
        "female" => Some(Sex::Female),
        _ => None,
    }
}

/// The wire's word for a sex: `male`, `female`, or empty.
pub fn sex_word(sex: Option<Sex>) -> &'static str {
    match sex {
        Some(Sex::Male) => "male",
        Some(Sex::Female) => "female",
        None => "",
    }
}

/// A pre-application's applicant as a person. A birth date that is not a date is an error
/// naming it (the relay checked it when it was sent; a stored one is still read carefully).
pub fn from_details(d: &mado_wire::submission::ApplicantDetails) -> Result<Person, String> {
    Ok(Person {
        name: d.name.trim().to_owned(),
        kana: d.kana.trim().to_owned(),
        address: d.address.trim().to_owned(),
        postal_code: d.postal_code.trim().to_owned(),
        birth_date: typed_date(&d.birth_date).map_err(|e| format!("生年月日: {e}"))?,
        sex: sex_of(&d.sex),
        phone: d.phone.trim().to_owned(),
        ..Person::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn named(name: &str) -> Person {
        Person {
            name: name.into(),
            ..Person::default()
        }
    }

    #[test]
    fn applying_for_oneself_names_the_applicant_in_every_role_that_points_to_them() {
        let mut people = People {
            applicant: named("山田 花子"),
            householder: Some(Who::Subject),
            payee: Some(Who::Applicant),
            ..People::default()
        };
        assert!(people.self_applying());
        for role in [
            Role::Applicant,
            Role::Subject,
            Role::Householder,
            Role::Payee,
        ] {
            assert_eq!(people.get(role).unwrap().name, "山田 花子", "{role:?}");
        }
        assert_eq!(people.get(Role::Child), None);
        // Editing the subject edits the applicant: nothing is typed twice.
        people.get_mut(Role::Subject).unwrap().techo_number = "第1号".into();
        assert_eq!(people.applicant.techo_number, "第1号");
        // Someone else concerned: the householder follows them, the payee stays the applicant.
        people.subject = Who::Other(Box::new(named("山田 太郎")));
        assert!(!people.self_applying());
        assert_eq!(people.get(Role::Householder).unwrap().name, "山田 太郎");
        assert_eq!(people.get(Role::Payee).unwrap().name, "山田 花子");
        people.get_mut(Role::Householder).unwrap().kana = "やまだ たろう".into();
        assert_eq!(people.subject().kana, "やまだ たろう");
        assert_eq!(people.applicant.kana, "");
    }

    #[test]
    fn a_bereaved_visit_starts_with_someone_else_concerned_and_says_what_is_missing() {
        let people = People::for_event(false);
        assert!(!people.self_applying());
        assert_eq!(
            people.missing(),
            [
                Missing::Name(Role::Applicant),
                Missing::Address,
                Missing::Birth,
                Missing::Sex,
                Missing::Name(Role::Subject)
            ]
        );
        assert!(People::for_event(true).self_applying());
        assert_eq!(People::default().get(Role::Payee), None);
    }

    #[test]
    fn typed_dates_and_pre_applications_are_read_with_a_clear_error() {
        assert_eq!(typed_date(" "), Ok(None));
        assert_eq!(
            typed_date("1950-04-01"),
            Ok(Some(Date::parse_iso("1950-04-01").unwrap()))
        );
        assert!(
            typed_date("1950-02-30")
                .unwrap_err()
                .contains("「1950-02-30」")
        );
        let d = mado_wire::submission::ApplicantDetails {
            name: " 山田 花子 ".into(),
            kana: "やまだ はなこ".into(),
            birth_date: "1950-04-01".into(),
            sex: "female".into(),
            postal_code: "803-8501".into(),
            address: "北九州市小倉北区大手町1番1号".into(),
            phone: "093-000-0000".into(),
        };
        let p = from_details(&d).unwrap();
        assert_eq!((p.name.as_str(), p.sex), ("山田 花子", Some(Sex::Female)));
        assert_eq!(sex_word(p.sex), "female");
        let bad = mado_wire::submission::ApplicantDetails {
            birth_date: "昭和25年".into(),
            ..d
        };
        assert!(from_details(&bad).unwrap_err().starts_with("生年月日: "));
    }
}
