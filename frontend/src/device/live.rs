//! Live queue events over server-sent events, with reconnection that never misses a call.
//!
//! The browser's `EventSource` retries by itself after a dropped connection and sends
//! `Last-Event-ID`. When it gives up (the relay answered an error, e.g. through a proxy
//! while restarting), [`Live`] opens a new one after a back-off, resuming from the last id
//! it saw via `?last_event_id=`. Dropping the [`Live`] closes the stream and its timers.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use mado_wire::QueueEvent;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use web_sys::{Event, EventSource, MessageEvent};

/// Whether the stream is up.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkStatus {
    Connecting,
    Open,
    Reconnecting,
}

type OnEvent = Box<dyn FnMut(QueueEvent)>;
type OnStatus = Box<dyn FnMut(LinkStatus)>;

struct Inner {
    office: String,
    last_id: i64,
    source: Option<EventSource>,
    on_message: Option<Closure<dyn FnMut(MessageEvent)>>,
    on_open: Option<Closure<dyn FnMut(Event)>>,
    on_error: Option<Closure<dyn FnMut(Event)>>,
    retry: Option<Timeout>,
    backoff_ms: u32,
    closed: bool,
}

/// An open event stream for one office. Dropping it closes the stream.
pub struct Live {
    inner: Rc<RefCell<Inner>>,
}

impl std::fmt::Debug for Live {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let inner = self.inner.borrow();
        f.debug_struct("Live")
            .field("office", &inner.office)
            .field("last_id", &inner.last_id)
            .finish()
    }
}

impl Live {
    /// Streams events of `office` after event `after` (from the snapshot the caller loaded).
    pub fn connect(
        office: &str,
        after: i64,
        on_event: impl FnMut(QueueEvent) + 'static,
        on_status: impl FnMut(LinkStatus) + 'static,
    ) -> Self {
        let inner = Rc::new(RefCell::new(Inner {
            office: office.to_owned(),
            last_id: after,
            source: None,
            on_message: None,
            on_open: None,
            on_error: None,
            retry: None,
            backoff_ms: 500,
            closed: false,
        }));
        let callbacks = Rc::new(RefCell::new((
            Box::new(on_event) as OnEvent,
            Box::new(on_status) as OnStatus,
        )));
        open(&inner, &callbacks);
        Self { inner }
    }
}

impl Drop for Live {
    fn drop(&mut self) {
        let mut inner = self.inner.borrow_mut();
        inner.closed = true;
        inner.retry = None;
        if let Some(source) = inner.source.take() {
            source.close();
        }
        inner.on_message = None;
        inner.on_open = None;
        inner.on_error = None;
    }
}

type Callbacks = Rc<RefCell<(OnEvent, OnStatus)>>;

fn open(inner: &Rc<RefCell<Inner>>, callbacks: &Callbacks) {
    let url = {
        let i = inner.borrow();
        if i.closed {
            return;
        }
        format!(
            "/api/offices/{}/events?last_event_id={}",
            i.office, i.last_id
        )
    };
    (callbacks.borrow_mut().1)(LinkStatus::Connecting);
    let Ok(source) = EventSource::new(&url) else {
        schedule_retry(inner, callbacks);
        return;
    };

    let on_message = {
        let inner = Rc::downgrade(inner);
        let callbacks = callbacks.clone();
        Closure::<dyn FnMut(MessageEvent)>::new(move |e: MessageEvent| {
            let Some(inner) = inner.upgrade() else { return };
            let Some(text) = e.data().as_string() else {
                return;
            };
            let Ok(event) = serde_json::from_str::<QueueEvent>(&text) else {
                return;
            };
            {
                let mut i = inner.borrow_mut();
                if event.id <= i.last_id {
                    return;
                }
                i.last_id = event.id;
            }
            (callbacks.borrow_mut().0)(event);
        })
    };
    let on_open = {
        let inner = Rc::downgrade(inner);
        let callbacks = callbacks.clone();
        Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
            if let Some(inner) = inner.upgrade() {
                inner.borrow_mut().backoff_ms = 500;
            }
            (callbacks.borrow_mut().1)(LinkStatus::Open);
        })
    };
    let on_error = {
        let weak = Rc::downgrade(inner);
        let callbacks = callbacks.clone();
        Closure::<dyn FnMut(Event)>::new(move |_e: Event| {
            let Some(inner) = weak.upgrade() else { return };
            (callbacks.borrow_mut().1)(LinkStatus::Reconnecting);
            let gave_up = inner
                .borrow()
                .source
                .as_ref()
                .is_some_and(|s| s.ready_state() == EventSource::CLOSED);
            if gave_up {
                schedule_retry(&inner, &callbacks);
            }
        })
    };
    let _ = source.add_event_listener_with_callback("queue", on_message.as_ref().unchecked_ref());
    source.set_onopen(Some(on_open.as_ref().unchecked_ref()));
    source.set_onerror(Some(on_error.as_ref().unchecked_ref()));

    let mut i = inner.borrow_mut();
    if let Some(old) = i.source.replace(source) {
        old.close();
    }
    i.on_message = Some(on_message);
    i.on_open = Some(on_open);
    i.on_error = Some(on_error);
}

fn schedule_retry(inner: &Rc<RefCell<Inner>>, callbacks: &Callbacks) {
    let mut i = inner.borrow_mut();
    if i.closed {
        return;
    }
    if let Some(source) = i.source.take() {
        source.close();
    }
    let delay = i.backoff_ms;
    i.backoff_ms = (i.backoff_ms * 2).min(10_000);
    let weak = Rc::downgrade(inner);
    let callbacks = callbacks.clone();
    i.retry = Some(Timeout::new(delay, move || {
        if let Some(inner) = weak.upgrade() {
            open(&inner, &callbacks);
        }
    }));
}
