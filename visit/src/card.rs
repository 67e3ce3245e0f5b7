//! What a card gives, as a person to review: the My Number card's 基本4情報 or a driving
//! licence's name, address and birth date, with what staff must look at before taking it
//! (a sex the card does not state as male or female, characters the card could not encode).
//! The individual number is never read (the card crate has no way to).

use mado_card::Basic4;
use mado_card::licence::Licence;
use mado_forms::{Person, Sex};

/// Why the sex needs a look.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SexFinding {
    /// The card says male or female.
    Read,
    /// 適用不能 (9).
    NotApplicable,
    /// 不明 (0).
    Unknown,
    /// A byte that is no known code.
    Odd(u8),
    /// A driving licence does not record sex.
    NotOnCard,
}

/// A card's person before staff accept it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CardReading {
    /// 氏名, 住所, 生年月日 and 性別 as read (the sex only when the card states it).
    pub person: Person,
    pub sex: SexFinding,
    /// Characters standing in for ones the card could not encode (〓, private use): the
    /// 外字 staff must check against the card's face.
    pub odd_chars: Vec<char>,
}

fn date(y: u16, m: u8, d: u8) -> Option<mado_civil::Date> {
    mado_civil::Date::new(i32::from(y), m, d).ok()
}

fn odd(name: &str, address: &str) -> Vec<char> {
    let mut v = mado_card::readers::substitute_chars(name);
    v.extend(mado_card::readers::substitute_chars(address));
    v.dedup();
    v
}

/// The My Number card's 基本4情報 as a person.
pub fn from_basic4(b: &Basic4) -> CardReading {
    let (y, m, d) = b.birth;
    let (sex, finding) = match b.sex {
        mado_card::Sex::Male => (Some(Sex::Male), SexFinding::Read),
        mado_card::Sex::Female => (Some(Sex::Female), SexFinding::Read),
        mado_card::Sex::NotApplicable => (None, SexFinding::NotApplicable),
        mado_card::Sex::Unknown => (None, SexFinding::Unknown),
        mado_card::Sex::Other(c) => (None, SexFinding::Odd(c)),
    };
    CardReading {
        person: Person {
            name: b.name.trim().to_owned(),
            address: b.address.trim().to_owned(),
            birth_date: date(y, m, d),
            sex,
            ..Person::default()
        },
        sex: finding,
        odd_chars: odd(&b.name, &b.address),
    }
}

/// A driving licence's name, address and birth date as a person (no sex on the licence).
pub fn from_licence(l: &Licence) -> CardReading {
    let (y, m, d) = l.birth;
    CardReading {
        person: Person {
            name: l.name.trim().to_owned(),
            address: l.address.trim().to_owned(),
            birth_date: date(y, m, d),
            ..Person::default()
        },
        sex: SexFinding::NotOnCard,
        odd_chars: odd(&l.name, &l.address),
    }
}

/// The reviewed reading taken into a person already on the visit: the card's 基本4情報
/// replace what was there, everything else typed (ふりがな, 電話, 手帳番号…) is kept.
pub fn take(into: &mut Person, reviewed: &Person) {
    into.name = reviewed.name.clone();
    into.address = reviewed.address.clone();
    into.birth_date = reviewed.birth_date;
    if reviewed.sex.is_some() {
        into.sex = reviewed.sex;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_card_gives_the_four_items_and_says_what_needs_a_look() {
        // The same record the card crate's parser tests read (card.md §1.6: 1 = male).
        let b = Basic4 {
            name: "山田\u{3000}〓子".into(),
            address: "北九州市小倉北区大手町１番１号".into(),
            birth: (1952, 7, 14),
            sex: mado_card::Sex::Female,
        };
        let r = from_basic4(&b);
        assert_eq!(r.person.name, "山田\u{3000}〓子");
        assert_eq!(r.person.birth_date.unwrap().to_string(), "1952-07-14");
        assert_eq!((r.person.sex, r.sex), (Some(Sex::Female), SexFinding::Read));
        assert_eq!(r.odd_chars, ['〓']);
        let na = from_basic4(&Basic4 {
            sex: mado_card::Sex::NotApplicable,
            ..b.clone()
        });
        assert_eq!((na.person.sex, na.sex), (None, SexFinding::NotApplicable));
        let odd = from_basic4(&Basic4 {
            sex: mado_card::Sex::Other(b'7'),
            ..b
        });
        assert_eq!(odd.sex, SexFinding::Odd(b'7'));
    }

    #[test]
    fn taking_a_card_keeps_what_was_typed_besides_the_four_items() {
        let mut p = Person {
            name: "手入力".into(),
            kana: "やまだ はなこ".into(),
            phone: "093-000-0000".into(),
            sex: Some(Sex::Female),
            ..Person::default()
        };
        let read = Person {
            name: "山田 花子".into(),
            address: "北九州市".into(),
            ..Person::default()
        };
        take(&mut p, &read);
        assert_eq!(p.name, "山田 花子");
        assert_eq!(p.kana, "やまだ はなこ");
        assert_eq!(p.phone, "093-000-0000");
        // A licence states no sex: what staff chose stays.
        assert_eq!(p.sex, Some(Sex::Female));
    }
}
