//! The reader panel at the counter: connect a reader, see whether a card is on it, read the
//! 基本4情報 with the resident's PIN (a large pad they use themselves) or the 照合番号B keyed
//! by staff, then check every field on a review screen before it fills the forms.
//!
//! The reader and the open card session live in this thread's storage, never in a signal;
//! the PIN digits are wiped as soon as VERIFY has been sent.

use std::cell::RefCell;

use leptos::prelude::*;
use mado_card::capture::{Capture, Flow};
use mado_card::licence::{Licence, LicenceAp, PinSetting};
use mado_card::readers::Refusal;
use mado_card::{Basic4, Credential, ReadError, Secret, TextAp, Tries};
use zeroize::Zeroize;

use crate::device::cardio::{self, Reader};
use crate::i18n::{Base, Lang, use_lang};

thread_local! {
    /// The connected reader while nothing is using it.
    static READER: RefCell<Option<Reader>> = const { RefCell::new(None) };
    /// The card session between asking for the tries and sending VERIFY.
    static SESSION: RefCell<Option<CardSession>> = const { RefCell::new(None) };
    /// The read being recorded in 記録モード, if any (its flow is known once VERIFY is sent).
    static RECORDING: std::cell::Cell<Option<Flow>> = const { std::cell::Cell::new(None) };
    /// Bumped when a reader is adopted, so the previous reader's watcher stops.
    static WATCHER: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

fn take_reader() -> Option<Reader> {
    READER.with(|r| r.borrow_mut().take())
}

fn put_reader(reader: Reader) {
    READER.with(|r| *r.borrow_mut() = Some(reader));
}

/// An open card: the My Number card's 券面事項入力補助AP or a driver's licence.
enum CardSession {
    MyNumber(TextAp<Reader>),
    Licence(LicenceAp<Reader>),
}

/// What is sent in VERIFY: the digits typed, or, for a licence whose holder set no PIN,
/// 「暗証番号を設定していない」.
enum Entry {
    Secret(Secret),
    NoPin,
}

/// What the licence's MF/EF02 said about PIN 1, which decides what the panel offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum LicencePin {
    /// Not a licence (the My Number card).
    No,
    /// PIN 1 is set: the pad only.
    Set,
    /// No PIN is set: only 「暗証番号を設定していない」; digits would only use up tries.
    NotSet,
    /// The card did not say (no EF02): the pad, and 「暗証番号を設定していない」 beside it.
    Unknown,
}

impl LicencePin {
    fn is_licence(self) -> bool {
        self != LicencePin::No
    }
}

/// What a card gave.
enum Read {
    MyNumber(Basic4),
    Licence(Licence),
}

impl CardSession {
    async fn tries(&mut self, credential: Credential) -> Result<Tries, ReadError> {
        match self {
            CardSession::MyNumber(ap) => ap.tries(credential).await,
            CardSession::Licence(ap) => ap.tries().await,
        }
    }

    async fn verify(&mut self, entry: Entry, confirmed: bool) -> Result<(), ReadError> {
        match (self, entry) {
            (CardSession::MyNumber(ap), Entry::Secret(secret)) => {
                ap.verify(secret, confirmed).await
            }
            (CardSession::Licence(ap), Entry::Secret(secret)) => ap.verify(secret, confirmed).await,
            (CardSession::Licence(ap), Entry::NoPin) => ap.verify_without_pin(confirmed).await,
            (CardSession::MyNumber(_), Entry::NoPin) => Err(ReadError::Protocol(
                "the My Number card has no \"no PIN\" setting".into(),
            )),
        }
    }

    async fn read(&mut self) -> Result<Read, ReadError> {
        match self {
            CardSession::MyNumber(ap) => ap.read_basic4().await.map(Read::MyNumber),
            CardSession::Licence(ap) => ap.read().await.map(Read::Licence),
        }
    }

    fn into_inner(self) -> Reader {
        match self {
            CardSession::MyNumber(ap) => ap.into_inner(),
            CardSession::Licence(ap) => ap.into_inner(),
        }
    }
}

/// Which card and credential staff chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Pin,
    CodeB,
    Licence,
}

/// Where the panel is.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Panel {
    /// No reader connected yet.
    Idle,
    Connecting,
    /// Reader connected; choose how to read.
    Ready,
    /// Waiting for the PIN or 照合番号B.
    Secret {
        credential: Credential,
        tries: u8,
        licence: LicencePin,
    },
    Reading,
    Review,
    /// Data accepted into the applicant fields.
    Applied,
}

/// Four fields being reviewed, with what needs a look.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Review {
    name: String,
    address: String,
    birth: String,
    sex: String,
    odd_chars: Vec<char>,
    /// Why the sex needs a look, when the card does not say male or female.
    sex_note: Option<String>,
}

/// The card's reading (`mado_visit::card`) as the review shows it, with what needs a look
/// said in the screen's language.
fn review_of(r: mado_visit::card::CardReading, lang: Lang) -> Review {
    use mado_visit::card::SexFinding;
    let ja = lang == Lang::Ja;
    let sex_note = match r.sex {
        SexFinding::Read => None,
        SexFinding::NotApplicable => Some(if ja {
            "カードの性別は「適用不能」です。申請書の記載を確かめて選んでください。".to_owned()
        } else {
            "The card records sex as \"not applicable\". Check and choose.".to_owned()
        }),
        SexFinding::Unknown => Some(lang.desk().card_review_sex.to_owned()),
        SexFinding::Odd(c) => Some(if ja {
            format!(
                "カードの性別の値（{}）は読み取れない値です。確かめて選んでください。",
                char::from(c)
            )
        } else {
            format!(
                "The card's sex value ({}) is not a known code. Check and choose.",
                char::from(c)
            )
        }),
        SexFinding::NotOnCard => Some(lang.desk().card_licence_no_sex.to_owned()),
    };
    Review {
        name: r.person.name.clone(),
        address: r.person.address.clone(),
        birth: r
            .person
            .birth_date
            .map(|d| d.to_string())
            .unwrap_or_default(),
        sex: mado_visit::people::sex_word(r.person.sex).to_owned(),
        odd_chars: r.odd_chars,
        sex_note,
    }
}

/// `1952-07-14` → 「昭和27年7月14日」, as the card face prints the birth date; `None` for text
/// that is not a date (a field being edited).
fn wareki_of(iso: &str) -> Option<String> {
    let d = mado_civil::Date::parse_iso(iso).ok()?;
    Some(d.wareki().ok()?.to_string())
}

fn read_error(e: &ReadError, lang: Lang) -> String {
    match lang.base() {
        Base::Ja => e.message_ja(),
        Base::En => e.message_en(),
    }
}

fn refusal(r: &Refusal, lang: Lang) -> String {
    match lang.base() {
        Base::Ja => r.message_ja(),
        Base::En => r.message_en(),
    }
}

/// Whether what staff and the resident entered may be sent to the card now: a PIN needs all
/// 4 digits (the 照合番号B's digits are checked by [`Secret::new`] with a message), and at one
/// try left staff must have ticked that the resident knows. Enter on the keyboard, the form's
/// implicit submit and the 決定 button all ask this one question; before issue 17, Enter on
/// the PIN pad sent the PIN at one try left without the tick.
fn may_send(credential: Credential, pin_digits: usize, tries: u8, confirmed: bool) -> bool {
    let complete = credential != Credential::Pin || pin_digits == 4;
    complete && (tries != 1 || confirmed)
}

/// [`may_send`] with the licence's 「暗証番号を設定していない」: offered only when the card says
/// no PIN is set or does not say; when it says none is set, typed digits are never sent (they
/// could only use up tries). The last-try tick holds for both.
fn may_send_entry(
    credential: Credential,
    licence: LicencePin,
    no_pin: bool,
    pin_digits: usize,
    tries: u8,
    confirmed: bool,
) -> bool {
    match (licence, no_pin) {
        (LicencePin::NotSet | LicencePin::Unknown, true) => {
            may_send(credential, 4, tries, confirmed)
        }
        (_, true) | (LicencePin::NotSet, false) => false,
        (_, false) => may_send(credential, pin_digits, tries, confirmed),
    }
}

/// A file name for a capture: reader framing, flow and local time.
fn capture_file_name(c: &Capture) -> String {
    let d = js_sys::Date::new_0();
    format!(
        "mado-capture-{}-{}-{:04}{:02}{:02}-{:02}{:02}.txt",
        c.framing.name(),
        c.flow.name(),
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// A `blob:` URL for the masked capture text.
fn text_url(text: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// The tries left, and at one try left the warning with the tick staff set once they told the
/// resident (nothing is sent before it, [`may_send`]).
#[component]
fn TriesLeft(tries: u8, confirmed: RwSignal<bool>) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    view! {
        {(tries > 0).then(|| view! { <p class="tries" data-testid="tries">{lang.get_untracked().card_tries(tries)}</p> })}
        {(tries == 1).then(|| view! {
            <div class="last-try" role="alert">
                <p>{t().card_last_try}</p>
                <label><input type="checkbox" prop:checked=move || confirmed.get() on:change=move |ev| confirmed.set(event_target_checked(&ev))/>{t().card_last_try_confirm}</label>
            </div>
        })}
    }
}

#[component]
pub fn CardReader(
    /// The reviewed 基本4情報, taken into the applicant (`mado_visit::card::take`).
    on_apply: Callback<mado_forms::Person>,
) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().desk();
    let panel = RwSignal::new(Panel::Idle);
    let error = RwSignal::new(None::<String>);
    let reader_name = RwSignal::new(String::new());
    let experimental = RwSignal::new(false);
    let present = RwSignal::new(None::<bool>);
    let review = RwSignal::new(Review::default());
    let pin = RwSignal::new(String::new());
    let confirmed = RwSignal::new(false);
    let code_birth = RwSignal::new(String::new());
    let code_expiry = RwSignal::new(String::new());
    let code_security = RwSignal::new(String::new());
    let support = cardio::support();
    let unsupported = (!support.usb && !support.smart_card).then_some(Refusal::NoWebUsb);
    // 記録モード (issue 25 item 10): offered only where an administrator turned it on.
    let capture_allowed =
        crate::shell::load_setting(cardio::CAPTURE_SETTING).as_deref() == Some("on");
    let record = RwSignal::new(false);
    let capturable = RwSignal::new(false);
    let captured = RwSignal::new(None::<(String, String)>);

    // Stops recording, masks what was recorded and offers it for download. The unmasked
    // transfers never leave this function (they are wiped when dropped).
    let end_capture = move |reader: &mut Reader| {
        let Some(flow) = RECORDING.with(|r| r.take()) else {
            return;
        };
        if let Some(mut c) = reader.take_capture(flow) {
            let report = mado_card::capture::mask(&mut c);
            let text = mado_card::capture::to_text(&c, &report);
            if let Some(url) = text_url(&text) {
                if let Some((_, old)) = captured.get_untracked() {
                    let _ = web_sys::Url::revoke_object_url(&old);
                }
                captured.set(Some((capture_file_name(&c), url)));
            }
        }
    };

    // Powers the card off and gives the reader back, after a read or on cancel.
    let finish = move |ap: Option<CardSession>| async move {
        if let Some(ap) = ap {
            let mut reader = ap.into_inner();
            let _ = reader.power_off().await;
            end_capture(&mut reader);
            put_reader(reader);
        }
    };

    // Follows card insertion and removal: the reader's interrupt pipe where it has one,
    // otherwise a gentle poll while the reader is idle.
    let watch = move || {
        let generation = WATCHER.with(|w| {
            w.set(w.get().wrapping_add(1));
            w.get()
        });
        let current = move || WATCHER.with(|w| w.get()) == generation;
        tasks.spawn(async move {
            let interrupt = READER.with(|r| r.borrow().as_ref().and_then(Reader::interrupt));
            if let Some((device, ep)) = interrupt {
                while current() {
                    match cardio::next_slot_change(&device, ep).await {
                        // A panel that is gone (the page changed) stops the watcher.
                        Ok(Some(p)) => {
                            if present.try_set(Some(p)).is_some() {
                                break;
                            }
                        }
                        Ok(None) => {}
                        Err(_) => break,
                    }
                }
                return;
            }
            while current() {
                let Some(state) = panel.try_get_untracked() else {
                    break;
                };
                // Before a read and after one (the field was switched off: the RC-S380 sets
                // itself up for Type B again before it polls).
                if matches!(state, Panel::Ready | Panel::Applied)
                    && let Some(mut reader) = take_reader()
                {
                    let now = reader.card_present().await;
                    put_reader(reader);
                    if present.try_set(now.ok()).is_some() {
                        break;
                    }
                }
                gloo_timers::future::TimeoutFuture::new(1_500).await;
            }
        });
    };

    let adopt = move |mut reader: Reader| async move {
        reader_name.set(reader.name());
        capturable.set(reader.can_capture());
        experimental.set(matches!(
            reader,
            Reader::Ccid {
                kind: mado_card::readers::ReaderKind::Rcs300Vendor,
                ..
            }
        ));
        present.set(reader.card_present().await.ok());
        put_reader(reader);
        panel.set(Panel::Ready);
        watch();
    };

    // A reader granted earlier is connected without a click.
    if unsupported.is_none() {
        tasks.spawn(async move {
            if support.smart_card
                && let Ok(reader) = cardio::open_smart_card().await
            {
                adopt(reader).await;
                return;
            }
            for device in cardio::granted_devices().await {
                if let Ok(reader) = cardio::open_usb(device).await {
                    adopt(reader).await;
                    return;
                }
            }
        });
    }

    let connect = move |_| {
        error.set(None);
        panel.set(Panel::Connecting);
        tasks.spawn(async move {
            let got = match cardio::request_device().await {
                Ok(device) => cardio::open_usb(device).await,
                Err(e) => Err(e),
            };
            match got {
                Ok(reader) => adopt(reader).await,
                Err(r) => {
                    error.set(Some(refusal(&r, lang.get_untracked())));
                    panel.set(Panel::Idle);
                }
            }
        });
    };

    let start = move |mode: Mode| {
        let credential = if mode == Mode::CodeB {
            Credential::CodeB
        } else {
            Credential::Pin
        };
        let is_licence = mode == Mode::Licence;
        error.set(None);
        confirmed.set(false);
        let Some(mut reader) = take_reader() else {
            // The watcher is asking the reader whether a card is there: a moment.
            error.set(Some(t().card_busy.to_owned()));
            return;
        };
        panel.set(Panel::Reading);
        let recording = capture_allowed && record.get_untracked() && reader.can_capture();
        tasks.spawn(async move {
            if recording {
                let flow = match mode {
                    Mode::Pin => Flow::Pin,
                    Mode::CodeB => Flow::CodeB,
                    Mode::Licence => Flow::Licence,
                };
                RECORDING.with(|r| r.set(Some(flow)));
                if let Err(e) = reader.start_capture().await {
                    end_capture(&mut reader);
                    put_reader(reader);
                    error.set(Some(read_error(&e.into(), lang.get_untracked())));
                    panel.set(Panel::Ready);
                    return;
                }
            }
            if let Err(e) = reader.power_on().await {
                end_capture(&mut reader);
                put_reader(reader);
                error.set(Some(read_error(&e.into(), lang.get_untracked())));
                panel.set(Panel::Ready);
                return;
            }
            let opened = if is_licence {
                LicenceAp::try_open(reader).await.map(CardSession::Licence)
            } else {
                TextAp::try_open(reader).await.map(CardSession::MyNumber)
            };
            let mut ap = match opened {
                Ok(ap) => ap,
                Err((e, mut reader)) => {
                    let _ = reader.power_off().await;
                    end_capture(&mut reader);
                    put_reader(reader);
                    error.set(Some(read_error(&e, lang.get_untracked())));
                    panel.set(Panel::Ready);
                    return;
                }
            };
            // A licence says whether its holder set PIN 1 before anybody types.
            let licence = match &mut ap {
                CardSession::Licence(l) => match l.pin_setting().await {
                    Ok(Some(PinSetting::Set)) => LicencePin::Set,
                    Ok(Some(PinSetting::NotSet)) => LicencePin::NotSet,
                    Ok(None) => LicencePin::Unknown,
                    Err(e) => {
                        error.set(Some(read_error(&e, lang.get_untracked())));
                        finish(Some(ap)).await;
                        panel.set(Panel::Ready);
                        return;
                    }
                },
                CardSession::MyNumber(_) => LicencePin::No,
            };
            match ap.tries(credential).await {
                Ok(Tries::Left(n)) => {
                    SESSION.with(|s| *s.borrow_mut() = Some(ap));
                    panel.set(Panel::Secret {
                        credential,
                        tries: n,
                        licence,
                    });
                }
                Ok(Tries::Verified) => {
                    SESSION.with(|s| *s.borrow_mut() = Some(ap));
                    panel.set(Panel::Secret {
                        credential,
                        tries: 0,
                        licence,
                    });
                }
                Ok(Tries::Blocked) => {
                    error.set(Some(read_error(
                        &ReadError::Locked(credential),
                        lang.get_untracked(),
                    )));
                    finish(Some(ap)).await;
                    panel.set(Panel::Ready);
                }
                Err(e) => {
                    error.set(Some(read_error(&e, lang.get_untracked())));
                    finish(Some(ap)).await;
                    panel.set(Panel::Ready);
                }
            }
        });
    };

    let cancel = move |_| {
        pin.update(|p| p.zeroize());
        code_security.update(|p| p.zeroize());
        let ap = SESSION.with(|s| s.borrow_mut().take());
        panel.set(Panel::Ready);
        tasks.spawn(finish(ap));
    };

    // `no_pin`: 「暗証番号を設定していない」 was pressed on the licence path.
    let submit = move |no_pin: bool| {
        let Panel::Secret {
            credential,
            tries,
            licence,
        } = panel.get_untracked()
        else {
            return;
        };
        if !may_send_entry(
            credential,
            licence,
            no_pin,
            pin.with_untracked(|p| p.chars().count()),
            tries,
            confirmed.get_untracked(),
        ) {
            return;
        }
        let entry = if no_pin {
            pin.update(|p| p.zeroize());
            RECORDING.with(|r| {
                if r.get() == Some(Flow::Licence) {
                    r.set(Some(Flow::LicenceNoPin));
                }
            });
            Entry::NoPin
        } else {
            let typed = match credential {
                Credential::Pin => pin.get_untracked(),
                Credential::CodeB => format!(
                    "{}{}{}",
                    code_birth.get_untracked().trim(),
                    code_expiry.get_untracked().trim(),
                    code_security.get_untracked().trim()
                ),
            };
            let secret = Secret::new(credential, &typed);
            let mut typed = typed;
            typed.zeroize();
            pin.update(|p| p.zeroize());
            code_security.update(|p| p.zeroize());
            match secret {
                Ok(s) => Entry::Secret(s),
                Err(e) => {
                    error.set(Some(match lang.get_untracked().base() {
                        Base::Ja => e.message_ja(),
                        Base::En => e.to_string(),
                    }));
                    return;
                }
            }
        };
        let Some(mut ap) = SESSION.with(|s| s.borrow_mut().take()) else {
            return;
        };
        let last_try_ok = confirmed.get_untracked();
        error.set(None);
        panel.set(Panel::Reading);
        tasks.spawn(async move {
            match ap.verify(entry, last_try_ok).await {
                Ok(()) => {}
                // Nothing was sent to the card: the same entry again, never "wrong PIN".
                Err(e @ ReadError::ConfirmLastTry(_)) => {
                    SESSION.with(|s| *s.borrow_mut() = Some(ap));
                    confirmed.set(false);
                    panel.set(Panel::Secret {
                        credential,
                        tries,
                        licence,
                    });
                    error.set(Some(read_error(&e, lang.get_untracked())));
                    return;
                }
                Err(ReadError::WrongSecret { .. }) => {
                    // Show the new count; the resident decides whether to try again.
                    let e = match ap.tries(credential).await {
                        Ok(Tries::Left(n)) => {
                            SESSION.with(|s| *s.borrow_mut() = Some(ap));
                            confirmed.set(false);
                            panel.set(Panel::Secret {
                                credential,
                                tries: n,
                                licence,
                            });
                            ReadError::WrongSecret {
                                credential,
                                left: n,
                            }
                        }
                        Ok(_) => {
                            finish(Some(ap)).await;
                            panel.set(Panel::Ready);
                            ReadError::Locked(credential)
                        }
                        Err(e) => {
                            finish(Some(ap)).await;
                            panel.set(Panel::Ready);
                            e
                        }
                    };
                    error.set(Some(read_error(&e, lang.get_untracked())));
                    return;
                }
                Err(e) => {
                    error.set(Some(read_error(&e, lang.get_untracked())));
                    finish(Some(ap)).await;
                    panel.set(Panel::Ready);
                    return;
                }
            }
            let read = ap.read().await;
            finish(Some(ap)).await;
            match read {
                Ok(Read::MyNumber(b4)) => {
                    review.set(review_of(
                        mado_visit::card::from_basic4(&b4),
                        lang.get_untracked(),
                    ));
                    panel.set(Panel::Review);
                }
                Ok(Read::Licence(l)) => {
                    review.set(review_of(
                        mado_visit::card::from_licence(&l),
                        lang.get_untracked(),
                    ));
                    panel.set(Panel::Review);
                }
                Err(e) => {
                    error.set(Some(read_error(&e, lang.get_untracked())));
                    panel.set(Panel::Ready);
                }
            }
        });
    };

    let press = move |d: char| {
        pin.update(|p| {
            if p.chars().count() < 4 {
                p.push(d);
            }
        });
    };

    let apply = move |_| {
        let r = review.get_untracked();
        let birth_date = match mado_visit::people::typed_date(&r.birth) {
            Ok(d) => d,
            Err(e) => {
                error.set(Some(format!("{}: {e}", t().forms_birth)));
                return;
            }
        };
        error.set(None);
        on_apply.run(mado_forms::Person {
            name: r.name.trim().to_owned(),
            address: r.address.trim().to_owned(),
            birth_date,
            sex: mado_visit::people::sex_of(&r.sex),
            ..mado_forms::Person::default()
        });
        review.set(Review::default());
        panel.set(Panel::Applied);
    };

    let status_line = move || {
        let t = t();
        match panel.get() {
            Panel::Idle | Panel::Connecting => {
                format!("{}: {}", t.card_reader, t.card_not_connected)
            }
            _ => {
                let card = match present.get() {
                    Some(true) => t.card_present,
                    Some(false) => t.card_absent,
                    None => "",
                };
                if card.is_empty() {
                    format!("{}: {}", t.card_reader, reader_name.get())
                } else {
                    format!("{}: {}（{}）", t.card_reader, reader_name.get(), card)
                }
            }
        }
    };

    view! {
        <section class="card-reader" aria-labelledby="card-title" data-testid="card-reader">
            <h3 id="card-title">{move || t().card_title}</h3>
            <p class="reader-status" role="status" data-testid="reader-status">{status_line}</p>
            <Show when=move || experimental.get()>
                <p class="hint">{move || t().card_experimental}</p>
            </Show>
            {move || error.get().map(|e| view! { <p role="alert" class="problem" data-testid="card-error">{e}</p> })}
            {move || match panel.get() {
                Panel::Idle | Panel::Connecting => {
                    let busy = panel.get() == Panel::Connecting;
                    match unsupported.clone() {
                        Some(r) => view! { <p role="alert" class="problem" data-testid="card-unsupported">{refusal(&r, lang.get())}</p> }.into_any(),
                        None => view! {
                            <button type="button" class="big" on:click=connect disabled=busy>
                                {if busy { t().card_connecting } else { t().card_connect }}
                            </button>
                        }.into_any(),
                    }
                }
                Panel::Ready | Panel::Applied => view! {
                    <div class="card-actions">
                        <button type="button" class="big" on:click=move |_| start(Mode::Pin)>{t().card_with_pin}</button>
                        <button type="button" class="secondary" on:click=move |_| start(Mode::CodeB)>{t().card_with_code_b}</button>
                        <button type="button" class="secondary" on:click=move |_| start(Mode::Licence)>{t().card_with_licence}</button>
                    </div>
                    <Show when=move || panel.get() == Panel::Applied>
                        <p class="done" role="status">{move || t().card_applied}</p>
                    </Show>
                    {capture_allowed.then(|| view! {
                        <div class="capture" data-testid="capture">
                            {move || if capturable.get() {
                                view! {
                                    <label><input type="checkbox" data-testid="capture-record" prop:checked=move || record.get()
                                        on:change=move |ev| record.set(event_target_checked(&ev))/>{t().card_capture_record}</label>
                                }.into_any()
                            } else {
                                view! { <p class="hint">{t().card_capture_unavailable}</p> }.into_any()
                            }}
                            {move || captured.get().map(|(file, url)| view! {
                                <p class="hint" role="status">{t().card_capture_done}</p>
                                <a class="button secondary" data-testid="capture-download" download=file href=url>{t().card_capture_download}</a>
                            })}
                        </div>
                    })}
                }.into_any(),
                Panel::Secret { credential: Credential::Pin, tries, licence: LicencePin::NotSet } => view! {
                    <div class="pin-pad no-pin" role="group" aria-labelledby="pin-title" data-testid="no-pin">
                        <p id="pin-title" class="pin-title">{t().card_licence_no_pin_title}</p>
                        <p class="hint">{t().card_licence_no_pin_help}</p>
                        <TriesLeft tries=tries confirmed=confirmed/>
                        <div class="card-actions">
                            <button type="button" class="big" data-testid="no-pin-submit"
                                disabled=move || !may_send_entry(Credential::Pin, LicencePin::NotSet, true, 0, tries, confirmed.get())
                                on:click=move |_| submit(true)>{t().card_licence_no_pin}</button>
                            <button type="button" class="secondary" on:click=move |_| cancel(())>{t().card_cancel}</button>
                        </div>
                    </div>
                }.into_any(),
                Panel::Secret { credential: Credential::Pin, tries, licence } => view! {
                    <div class="pin-pad" role="group" aria-labelledby="pin-title" tabindex="0" data-testid="pin-pad"
                        on:keydown=move |ev| {
                            let key = ev.key();
                            match key.as_str() {
                                k if k.len() == 1 && k.chars().all(|c| c.is_ascii_digit()) => press(k.chars().next().unwrap_or('0')),
                                "Backspace" => pin.update(|p| { p.pop(); }),
                                "Enter" => submit(false),
                                "Escape" => cancel(()),
                                _ => {}
                            }
                        }>
                        <p id="pin-title" class="pin-title">{if licence.is_licence() { t().card_licence_pin_title } else { t().card_pin_title }}</p>
                        <p class="hint">{t().card_pin_help}</p>
                        <TriesLeft tries=tries confirmed=confirmed/>
                        <p class="pin-dots" aria-live="polite" data-testid="pin-dots">
                            {move || (0..4).map(|i| if i < pin.with(|p| p.chars().count()) { "●" } else { "○" }).collect::<String>()}
                        </p>
                        <div class="keys">
                            {['1', '2', '3', '4', '5', '6', '7', '8', '9'].into_iter().map(|d| view! {
                                <button type="button" class="key" on:click=move |_| press(d)>{d.to_string()}</button>
                            }).collect_view()}
                            <button type="button" class="key small" on:click=move |_| pin.update(|p| p.zeroize())>{t().card_clear}</button>
                            <button type="button" class="key" on:click=move |_| press('0')>"0"</button>
                            <button type="button" class="key small" on:click=move |_| pin.update(|p| { p.pop(); })>{t().card_backspace}</button>
                        </div>
                        <div class="card-actions">
                            <button type="button" class="big" data-testid="pin-submit"
                                disabled=move || !may_send(Credential::Pin, pin.with(|p| p.chars().count()), tries, confirmed.get())
                                on:click=move |_| submit(false)>{t().card_submit}</button>
                            <button type="button" class="secondary" on:click=move |_| cancel(())>{t().card_cancel}</button>
                        </div>
                        {(licence == LicencePin::Unknown).then(|| view! {
                            <div class="no-pin-offer">
                                <p class="hint">{t().card_licence_pin_unknown}</p>
                                <button type="button" class="secondary" data-testid="no-pin-submit"
                                    disabled=move || !may_send_entry(Credential::Pin, LicencePin::Unknown, true, 0, tries, confirmed.get())
                                    on:click=move |_| submit(true)>{t().card_licence_no_pin}</button>
                            </div>
                        })}
                    </div>
                }.into_any(),
                Panel::Secret { credential: Credential::CodeB, tries, .. } => view! {
                    <form class="code-b" data-testid="code-b" on:submit=move |ev| { ev.prevent_default(); submit(false); }>
                        <p class="pin-title">{t().card_code_b_title}</p>
                        <TriesLeft tries=tries confirmed=confirmed/>
                        <div class="entry"><label for="cb-birth">{t().card_code_b_birth}</label>
                            <input id="cb-birth" inputmode="numeric" maxlength="6" autocomplete="off" prop:value=move || code_birth.get() on:input=move |ev| code_birth.set(event_target_value(&ev))/></div>
                        <div class="entry"><label for="cb-expiry">{t().card_code_b_expiry}</label>
                            <input id="cb-expiry" inputmode="numeric" maxlength="4" autocomplete="off" prop:value=move || code_expiry.get() on:input=move |ev| code_expiry.set(event_target_value(&ev))/></div>
                        <div class="entry"><label for="cb-security">{t().card_code_b_security}</label>
                            <input id="cb-security" type="password" inputmode="numeric" maxlength="4" autocomplete="off" prop:value=move || code_security.get() on:input=move |ev| code_security.set(event_target_value(&ev))/></div>
                        <div class="card-actions">
                            <button type="submit" class="big" disabled=move || !may_send(Credential::CodeB, 0, tries, confirmed.get())>{t().card_submit}</button>
                            <button type="button" class="secondary" on:click=move |_| cancel(())>{t().card_cancel}</button>
                        </div>
                    </form>
                }.into_any(),
                Panel::Reading => view! { <p role="status" class="reading">{t().card_reading}</p> }.into_any(),
                Panel::Review => view! {
                    <div class="card-review" data-testid="card-review">
                        <h4>{t().card_review_title}</h4>
                        <p class="hint">{t().card_review_help}</p>
                        <Show when=move || review.with(|r| !r.odd_chars.is_empty())>
                            <p class="problem" role="alert">{move || format!("{}: {}", t().card_review_gaiji, review.with(|r| r.odd_chars.iter().map(|c| format!("「{c}」")).collect::<String>()))}</p>
                        </Show>
                        <div class="entry"><label for="rv-name">{t().forms_name}</label>
                            <input id="rv-name" prop:value=move || review.with(|r| r.name.clone()) on:input=move |ev| review.update(|r| r.name = event_target_value(&ev))/></div>
                        // The whole address, wrapped: the clerk compares it with the card face.
                        <div class="entry"><label for="rv-address">{t().forms_address}</label>
                            <textarea id="rv-address" rows="2" prop:value=move || review.with(|r| r.address.clone()) on:input=move |ev| review.update(|r| r.address = event_target_value(&ev))></textarea></div>
                        // 和暦 as the card face prints it, beside the 西暦 field.
                        <div class="entry"><label for="rv-birth">{t().forms_birth}</label>
                            <span class="birth-pair">
                                <input id="rv-birth" type="date" prop:value=move || review.with(|r| r.birth.clone()) on:input=move |ev| review.update(|r| r.birth = event_target_value(&ev))/>
                                <span class="wareki" data-testid="rv-wareki">{move || review.with(|r| wareki_of(&r.birth)).unwrap_or_default()}</span>
                            </span></div>
                        <div class="entry" role="radiogroup" aria-label=t().forms_sex>
                            <span class="label">{t().forms_sex}</span>
                            <label class="choice"><input type="radio" name="rv-sex" prop:checked=move || review.with(|r| r.sex == "male") on:change=move |_| review.update(|r| r.sex = "male".into())/>{t().forms_male}</label>
                            <label class="choice"><input type="radio" name="rv-sex" prop:checked=move || review.with(|r| r.sex == "female") on:change=move |_| review.update(|r| r.sex = "female".into())/>{t().forms_female}</label>
                        </div>
                        {move || review.with(|r| r.sex_note.clone()).map(|note| view! { <p class="problem" role="alert">{note}</p> })}
                        <div class="card-actions">
                            <button type="button" class="big" data-testid="review-apply" on:click=apply>{t().card_review_apply}</button>
                            <button type="button" class="secondary" on:click=move |_| { review.set(Review::default()); panel.set(Panel::Ready); }>{t().card_review_retry}</button>
                        </div>
                    </div>
                }.into_any(),
            }}
            <p class="hint">{move || t().card_manual}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issue_17_at_one_try_left_nothing_is_sent_before_the_tick() {
        assert!(!may_send(Credential::Pin, 4, 1, false));
        assert!(may_send(Credential::Pin, 4, 1, true));
        assert!(!may_send(Credential::CodeB, 0, 1, false));
        assert!(may_send(Credential::CodeB, 0, 1, true));
        // More tries left (or the card did not say): no tick needed.
        assert!(may_send(Credential::Pin, 4, 3, false));
        assert!(may_send(Credential::Pin, 4, 0, false));
    }

    /// Issue 25 item 2: 「暗証番号を設定していない」 is offered when the card says no PIN is set
    /// (then typed digits are never sent) or does not say; never when it says a PIN is set.
    #[test]
    fn issue_25_no_pin_is_offered_only_when_the_card_allows_it() {
        use LicencePin::*;
        assert!(may_send_entry(Credential::Pin, NotSet, true, 0, 3, false));
        assert!(!may_send_entry(Credential::Pin, NotSet, false, 4, 3, false));
        assert!(may_send_entry(Credential::Pin, Unknown, true, 0, 3, false));
        assert!(may_send_entry(Credential::Pin, Unknown, false, 4, 3, false));
        assert!(!may_send_entry(Credential::Pin, Set, true, 0, 3, false));
        assert!(!may_send_entry(Credential::Pin, No, true, 0, 3, false));
        assert!(may_send_entry(Credential::Pin, Set, false, 4, 3, false));
        // The last try needs the tick either way.
        assert!(!may_send_entry(Credential::Pin, NotSet, true, 0, 1, false));
        assert!(may_send_entry(Credential::Pin, NotSet, true, 0, 1, true));
    }

    /// Issue 17 item 3: the review shows the birth date as the card face prints it.
    #[test]
    fn issue_17_the_review_shows_the_birth_date_in_wareki() {
        assert_eq!(wareki_of("1952-07-14").as_deref(), Some("昭和27年7月14日"));
        assert_eq!(wareki_of("1989-01-08").as_deref(), Some("平成元年1月8日"));
        assert_eq!(wareki_of("2019-04-30").as_deref(), Some("平成31年4月30日"));
        assert_eq!(wareki_of("1985-04-0"), None);
        assert_eq!(wareki_of(""), None);
    }

    #[test]
    fn a_pin_is_sent_only_with_all_four_digits() {
        for digits in [0, 1, 3] {
            assert!(
                !may_send(Credential::Pin, digits, 3, true),
                "{digits} digits"
            );
        }
    }

    #[test]
    fn a_refusal_for_the_missing_tick_never_reads_as_a_wrong_pin() {
        let e = ReadError::ConfirmLastTry(Credential::Pin);
        for lang in [Lang::Ja, Lang::En] {
            let m = read_error(&e, lang);
            assert!(!m.contains("違います") && !m.contains("Wrong"), "{m}");
        }
    }
}
