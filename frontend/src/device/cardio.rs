//! The browser end of card reading: WebUSB devices and the Web Smart Card API, reached as plain
//! JS objects. This module only moves bytes; every protocol (CCID, T=1, RC-S380, ISO-DEP, the
//! 券面事項入力補助AP) is `mado-card`, tested natively.
//!
//! Objects are used through `Reflect`, not web-sys's unstable WebUSB bindings, so the same code
//! drives a real `navigator.usb` and the e2e tests' emulated one.

use js_sys::{Array, Function, Object, Promise, Reflect, Uint8Array};
use mado_card::capture::{Capture, Flow, Framing, Recorder};
use mado_card::ccid::{CcidReader, ClassDescriptor, Interrupt};
use mado_card::rcs380::Rcs380;
use mado_card::readers::{self, ReaderKind, Refusal, Step, UsbInterface};
use mado_card::{Transport, TransportError, UsbPipe};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// A rejected promise or thrown exception: the DOMException's name and message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DomError {
    pub name: String,
    pub message: String,
}

impl From<JsValue> for DomError {
    fn from(v: JsValue) -> Self {
        let text = |k: &str| get(&v, k).as_string().unwrap_or_default();
        let name = text("name");
        Self {
            name: if name.is_empty() {
                "Error".into()
            } else {
                name
            },
            message: text("message"),
        }
    }
}

fn get(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

fn set(obj: &Object, key: &str, value: JsValue) {
    let _ = Reflect::set(obj, &JsValue::from_str(key), &value);
}

/// Calls `obj.method(...args)` and awaits the result if it is a promise.
async fn call(obj: &JsValue, method: &str, args: &[JsValue]) -> Result<JsValue, DomError> {
    let f: Function = get(obj, method).dyn_into().map_err(|_| DomError {
        name: "NotSupportedError".into(),
        message: format!("{method} is not available"),
    })?;
    let args: Array = args.iter().collect();
    let r = Reflect::apply(&f, obj, &args).map_err(DomError::from)?;
    match r.dyn_into::<Promise>() {
        Ok(p) => JsFuture::from(p).await.map_err(DomError::from),
        Err(r) => Ok(r),
    }
}

fn navigator() -> JsValue {
    web_sys::window()
        .map(|w| get(&w, "navigator"))
        .unwrap_or(JsValue::UNDEFINED)
}

/// What this browser offers for card readers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Support {
    pub usb: bool,
    pub smart_card: bool,
}

pub fn support() -> Support {
    let nav = navigator();
    Support {
        usb: !get(&nav, "usb").is_undefined(),
        smart_card: !get(&nav, "smartCard").is_undefined(),
    }
}

fn bytes_of(data_view: &JsValue) -> Vec<u8> {
    let buffer = get(data_view, "buffer");
    if buffer.is_undefined() {
        // An ArrayBuffer itself (the Web Smart Card API answers with one).
        return Uint8Array::new(data_view).to_vec();
    }
    let offset = get(data_view, "byteOffset").as_f64().unwrap_or(0.0) as u32;
    let len = get(data_view, "byteLength").as_f64().unwrap_or(0.0) as u32;
    Uint8Array::new_with_byte_offset_and_length(&buffer, offset, len).to_vec()
}

fn transfer_error(e: DomError) -> TransportError {
    match Refusal::from_dom(&e.name, Step::Transfer) {
        Refusal::Disconnected => TransportError::Disconnected(e.message),
        _ => TransportError::Browser {
            name: e.name,
            message: e.message,
        },
    }
}

/// Bulk endpoints of a claimed interface on a WebUSB device.
#[derive(Debug, Clone)]
pub struct WebUsbPipe {
    device: JsValue,
    ep_out: u8,
    ep_in: u8,
    /// The driver's read timeout (CCID), ms; `None` waits for the reader (RC-S380, whose
    /// InCommRF carries its own timeout).
    read_timeout: Option<u32>,
}

impl UsbPipe for WebUsbPipe {
    async fn bulk_out(&mut self, data: &[u8]) -> Result<(), TransportError> {
        let array = Uint8Array::from(data);
        let r = call(
            &self.device,
            "transferOut",
            &[self.ep_out.into(), array.clone().into()],
        )
        .await;
        array.fill(0, 0, array.length());
        let r = r.map_err(transfer_error)?;
        match get(&r, "status").as_string().as_deref() {
            Some("ok") => Ok(()),
            other => Err(TransportError::Reader(format!(
                "bulk OUT transfer ended with status {other:?}"
            ))),
        }
    }

    fn set_read_timeout(&mut self, ms: u32) {
        self.read_timeout = Some(ms);
    }

    async fn bulk_in(&mut self, max: usize) -> Result<Vec<u8>, TransportError> {
        let args = [self.ep_in.into(), (max as u32).into()];
        let transfer = call(&self.device, "transferIn", &args);
        let r = match self.read_timeout {
            None => transfer.await,
            Some(ms) => {
                let timer = gloo_timers::future::TimeoutFuture::new(ms);
                match futures_util::future::select(Box::pin(transfer), timer).await {
                    futures_util::future::Either::Left((r, _)) => r,
                    futures_util::future::Either::Right(_) => {
                        // WebUSB cannot cancel one transfer; resetting the device aborts it
                        // (WebUSB `USBDevice.reset()`), so that a late answer is never taken
                        // for the next command's.
                        let _ = call(&self.device, "reset", &[]).await;
                        return Err(TransportError::Timeout);
                    }
                }
            }
        }
        .map_err(transfer_error)?;
        match get(&r, "status").as_string().as_deref() {
            Some("ok") => Ok(bytes_of(&get(&r, "data"))),
            other => Err(TransportError::Reader(format!(
                "bulk IN transfer ended with status {other:?}"
            ))),
        }
    }
}

/// A card in a Web Smart Card API reader (PC/SC through the browser).
#[derive(Debug, Clone)]
pub struct SmartCardReader {
    context: JsValue,
    name: String,
    connection: Option<JsValue>,
}

impl Transport for SmartCardReader {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        let conn = self.connection.clone().ok_or(TransportError::NoCard)?;
        let array = Uint8Array::from(apdu);
        let r = call(&conn, "transmit", &[array.clone().into()]).await;
        array.fill(0, 0, array.length());
        let r = r.map_err(|e| match e.name.as_str() {
            "NoSmartcardError" | "RemovedCardError" => TransportError::NoCard,
            _ => transfer_error(e),
        })?;
        Ok(bytes_of(&r))
    }
}

/// A connected reader, whatever the transport.
#[derive(Debug)]
pub enum Reader {
    Ccid {
        kind: ReaderKind,
        reader: CcidReader<Recorder<WebUsbPipe>>,
        device: JsValue,
        interrupt: Option<u8>,
    },
    Rcs380 {
        reader: Rcs380<Recorder<WebUsbPipe>>,
        device: JsValue,
    },
    SmartCard(SmartCardReader),
}

impl Reader {
    /// The reader's name for the panel.
    pub fn name(&self) -> String {
        match self {
            Reader::Ccid { kind, .. } => kind.name_ja().into(),
            Reader::Rcs380 { .. } => ReaderKind::Rcs380.name_ja().into(),
            Reader::SmartCard(s) => s.name.clone(),
        }
    }

    /// The interrupt endpoint that reports card insertion and removal, if the reader has one.
    pub fn interrupt(&self) -> Option<(JsValue, u8)> {
        match self {
            Reader::Ccid {
                device,
                interrupt: Some(ep),
                ..
            } => Some((device.clone(), *ep)),
            _ => None,
        }
    }

    pub async fn card_present(&mut self) -> Result<bool, TransportError> {
        match self {
            Reader::Ccid { reader, .. } => reader.card_present().await,
            Reader::Rcs380 { reader, .. } => reader.card_present().await,
            Reader::SmartCard(s) => {
                let state = Object::new();
                set(&state, "readerName", s.name.clone().into());
                set(&state, "currentState", Object::new().into());
                let opts = Object::new();
                set(&opts, "timeout", 0.into());
                let states: Array = [JsValue::from(state)].into_iter().collect();
                match call(&s.context, "getStatusChange", &[states.into(), opts.into()]).await {
                    Ok(r) => {
                        let first = Reflect::get_u32(&r, 0).unwrap_or(JsValue::UNDEFINED);
                        Ok(get(&get(&first, "eventState"), "present").is_truthy())
                    }
                    // A timeout means nothing changed; ask the connection instead.
                    Err(_) => Ok(s.connection.is_some()),
                }
            }
        }
    }

    /// Whether 記録モード can record this reader: USB transfers only (a Web Smart Card API
    /// reader hides them).
    pub fn can_capture(&self) -> bool {
        !matches!(self, Reader::SmartCard(_))
    }

    /// Starts recording the bulk transfers of one read. An RC-S380 is set up again first
    /// (recorded), so that a replay starts from the same state as a fresh driver.
    pub async fn start_capture(&mut self) -> Result<(), TransportError> {
        match self {
            Reader::Ccid { reader, .. } => {
                let rec = reader.pipe_mut();
                rec.transfers.clear();
                rec.on = true;
                Ok(())
            }
            Reader::Rcs380 { reader, .. } => {
                let rec = reader.pipe_mut();
                rec.transfers.clear();
                rec.on = true;
                reader.init().await
            }
            Reader::SmartCard(_) => Ok(()),
        }
    }

    /// Stops recording and hands over what was recorded, unmasked: the caller masks it
    /// ([`mado_card::capture::mask`]) before anything leaves memory.
    pub fn take_capture(&mut self, flow: Flow) -> Option<Capture> {
        let name = self.name();
        let (framing, descriptor, rec) = match self {
            Reader::Ccid { reader, .. } => {
                let framing = if reader.level() == mado_card::ccid::Level::Tpdu {
                    Framing::CcidTpdu
                } else {
                    Framing::CcidApdu
                };
                let descriptor = Some(reader.descriptor().encode());
                (framing, descriptor, reader.pipe_mut())
            }
            Reader::Rcs380 { reader, .. } => (Framing::Rcs380, None, reader.pipe_mut()),
            Reader::SmartCard(_) => return None,
        };
        rec.on = false;
        let transfers = std::mem::take(&mut rec.transfers);
        (!transfers.is_empty()).then_some(Capture {
            framing,
            descriptor,
            flow,
            reader: name,
            transfers,
        })
    }

    /// Powers the card and prepares the protocol (ATR and T=1 set-up, or RF activation).
    pub async fn power_on(&mut self) -> Result<(), TransportError> {
        match self {
            Reader::Ccid { reader, .. } => reader.power_on().await.map(|_| ()),
            Reader::Rcs380 { reader, .. } => reader.activate().await.map(|_| ()),
            Reader::SmartCard(s) => {
                let opts = Object::new();
                let protocols: Array = [JsValue::from_str("t1")].into_iter().collect();
                set(&opts, "preferredProtocols", protocols.into());
                let r = call(
                    &s.context,
                    "connect",
                    &[s.name.clone().into(), "shared".into(), opts.into()],
                )
                .await
                .map_err(|e| match e.name.as_str() {
                    "NoSmartcardError" | "RemovedCardError" => TransportError::NoCard,
                    _ => transfer_error(e),
                })?;
                s.connection = Some(get(&r, "connection"));
                Ok(())
            }
        }
    }

    /// Powers the card off: it forgets every verification.
    pub async fn power_off(&mut self) -> Result<(), TransportError> {
        match self {
            Reader::Ccid { reader, .. } => reader.power_off().await,
            Reader::Rcs380 { reader, .. } => reader.power_off().await,
            Reader::SmartCard(s) => {
                if let Some(conn) = s.connection.take() {
                    call(&conn, "disconnect", &["unpower".into()])
                        .await
                        .map_err(transfer_error)?;
                }
                Ok(())
            }
        }
    }
}

impl Transport for Reader {
    async fn transmit(&mut self, apdu: &[u8]) -> Result<Vec<u8>, TransportError> {
        match self {
            Reader::Ccid { reader, .. } => reader.transmit(apdu).await,
            Reader::Rcs380 { reader, .. } => reader.transmit(apdu).await,
            Reader::SmartCard(s) => s.transmit(apdu).await,
        }
    }
}

fn array_items(v: &JsValue) -> Vec<JsValue> {
    if v.is_undefined() || v.is_null() {
        return Vec::new();
    }
    Array::from(v).iter().collect()
}

fn num(v: &JsValue, key: &str) -> u32 {
    get(v, key).as_f64().unwrap_or(0.0) as u32
}

/// Opens a WebUSB device, claims the right interface and sets the reader up.
pub async fn open_usb(device: JsValue) -> Result<Reader, Refusal> {
    let vendor = num(&device, "vendorId") as u16;
    let product = num(&device, "productId") as u16;
    let interfaces_of = |device: &JsValue| -> Vec<(UsbInterface, JsValue)> {
        let config = get(device, "configuration");
        let list = if config.is_null() || config.is_undefined() {
            array_items(&get(
                &Reflect::get_u32(&get(device, "configurations"), 0).unwrap_or(JsValue::UNDEFINED),
                "interfaces",
            ))
        } else {
            array_items(&get(&config, "interfaces"))
        };
        list.into_iter()
            .map(|i| {
                let alt = get(&i, "alternate");
                let alt = if alt.is_undefined() || alt.is_null() {
                    Reflect::get_u32(&get(&i, "alternates"), 0).unwrap_or(JsValue::UNDEFINED)
                } else {
                    alt
                };
                (
                    UsbInterface {
                        number: num(&i, "interfaceNumber") as u8,
                        class: num(&alt, "interfaceClass") as u8,
                    },
                    alt,
                )
            })
            .collect()
    };
    let interfaces = interfaces_of(&device);
    let list: Vec<UsbInterface> = interfaces.iter().map(|(i, _)| *i).collect();
    let (kind, number) = readers::identify(vendor, product, &list)
        .ok_or(Refusal::Unsupported { vendor, product })?;
    let refuse = |step| move |e: DomError| Refusal::from_dom(&e.name, step);
    if !get(&device, "opened").is_truthy() {
        call(&device, "open", &[])
            .await
            .map_err(refuse(Step::Open))?;
    }
    let config = get(&device, "configuration");
    if config.is_null() || config.is_undefined() {
        call(&device, "selectConfiguration", &[1.into()])
            .await
            .map_err(refuse(Step::Open))?;
    }
    call(&device, "claimInterface", &[number.into()])
        .await
        .map_err(refuse(Step::Claim))?;
    let alt = interfaces
        .iter()
        .find(|(i, _)| i.number == number)
        .map(|(_, alt)| alt.clone())
        .unwrap_or(JsValue::UNDEFINED);
    let mut ep_in = None;
    let mut ep_out = None;
    let mut interrupt = None;
    for ep in array_items(&get(&alt, "endpoints")) {
        let n = num(&ep, "endpointNumber") as u8;
        let dir = get(&ep, "direction").as_string().unwrap_or_default();
        let ty = get(&ep, "type").as_string().unwrap_or_default();
        match (dir.as_str(), ty.as_str()) {
            ("in", "bulk") => ep_in = Some(n),
            ("out", "bulk") => ep_out = Some(n),
            ("in", "interrupt") => interrupt = Some(n),
            _ => {}
        }
    }
    let (Some(ep_in), Some(ep_out)) = (ep_in, ep_out) else {
        return Err(Refusal::Other {
            name: "the interface has no bulk endpoints".into(),
        });
    };
    // Records nothing until 記録モード starts a capture (issue 25 item 10).
    let pipe = Recorder::new(WebUsbPipe {
        device: device.clone(),
        ep_out,
        ep_in,
        read_timeout: None,
    });
    let other = |e: TransportError| Refusal::Other {
        name: e.to_string(),
    };
    match kind {
        ReaderKind::Rcs380 => {
            let mut reader = Rcs380::new(pipe);
            reader.init().await.map_err(other)?;
            Ok(Reader::Rcs380 { reader, device })
        }
        ReaderKind::VendorCcid | ReaderKind::ClassCcid | ReaderKind::Rcs300Vendor => {
            let found = configuration_descriptor(&device)
                .await
                .map(|c| ClassDescriptor::find(&c, number));
            let descriptor = match (found, kind) {
                (Some(Ok(d)), _) => d,
                // The RC-S300's vendor interface: the published descriptor of its CCID
                // interface (pcsc-lite CCID `readers/SONY_FeliCa_RC-S300_S.txt`).
                (_, ReaderKind::Rcs300Vendor) => ClassDescriptor {
                    max_slot_index: 0,
                    voltage_support: 0x07,
                    protocols: 3,
                    default_clock_khz: 4_000,
                    max_ifsd: 254,
                    features: 0x0004_007E,
                    max_message: 522,
                },
                // Never guess the exchange level: a TPDU reader spoken to in APDUs fails.
                (Some(Err(e)), _) => {
                    return Err(Refusal::NoDescriptor {
                        detail: e.to_string(),
                    });
                }
                (None, _) => {
                    return Err(Refusal::NoDescriptor {
                        detail: "GET_DESCRIPTOR (configuration) failed".into(),
                    });
                }
            };
            let reader = CcidReader::new(pipe, descriptor).map_err(other)?;
            Ok(Reader::Ccid {
                kind,
                reader,
                device,
                interrupt,
            })
        }
    }
}

/// The whole configuration descriptor (GET_DESCRIPTOR), where the CCID class descriptor is.
async fn configuration_descriptor(device: &JsValue) -> Option<Vec<u8>> {
    let setup = Object::new();
    set(&setup, "requestType", "standard".into());
    set(&setup, "recipient", "device".into());
    set(&setup, "request", 6.into());
    set(&setup, "value", 0x0200.into());
    set(&setup, "index", 0.into());
    let r = call(device, "controlTransferIn", &[setup.into(), 1024.into()])
        .await
        .ok()?;
    (get(&r, "status").as_string().as_deref() == Some("ok")).then(|| bytes_of(&get(&r, "data")))
}

/// Devices this page was already allowed to use.
pub async fn granted_devices() -> Vec<JsValue> {
    let usb = get(&navigator(), "usb");
    if usb.is_undefined() {
        return Vec::new();
    }
    match call(&usb, "getDevices", &[]).await {
        Ok(list) => array_items(&list),
        Err(_) => Vec::new(),
    }
}

/// Shows the browser's device chooser with the supported readers.
pub async fn request_device() -> Result<JsValue, Refusal> {
    let usb = get(&navigator(), "usb");
    if usb.is_undefined() {
        return Err(Refusal::NoWebUsb);
    }
    let filters: Array = readers::FILTERS
        .iter()
        .map(|f| {
            let o = Object::new();
            if let Some(v) = f.vendor {
                set(&o, "vendorId", v.into());
            }
            if let Some(p) = f.product {
                set(&o, "productId", p.into());
            }
            if let Some(c) = f.class {
                set(&o, "classCode", c.into());
            }
            JsValue::from(o)
        })
        .collect();
    let opts = Object::new();
    set(&opts, "filters", filters.into());
    call(&usb, "requestDevice", &[opts.into()])
        .await
        .map_err(|e| Refusal::from_dom(&e.name, Step::Choose))
}

/// Connects to the first reader of the Web Smart Card API.
pub async fn open_smart_card() -> Result<Reader, Refusal> {
    let api = get(&navigator(), "smartCard");
    let refuse = |e: DomError| Refusal::from_dom(&e.name, Step::Open);
    let context = call(&api, "establishContext", &[]).await.map_err(refuse)?;
    let readers = call(&context, "listReaders", &[]).await.map_err(refuse)?;
    let name = array_items(&readers)
        .first()
        .and_then(JsValue::as_string)
        .ok_or(Refusal::Other {
            name: "no reader".into(),
        })?;
    Ok(Reader::SmartCard(SmartCardReader {
        context,
        name,
        connection: None,
    }))
}

/// Waits for the next interrupt-IN message (card inserted or removed). `None` when the
/// reader is gone or sent something else.
pub async fn next_slot_change(device: &JsValue, ep: u8) -> Result<Option<bool>, TransportError> {
    let r = call(device, "transferIn", &[ep.into(), 8.into()])
        .await
        .map_err(transfer_error)?;
    if get(&r, "status").as_string().as_deref() != Some("ok") {
        return Ok(None);
    }
    Ok(match Interrupt::parse(&bytes_of(&get(&r, "data"))) {
        Ok(Interrupt::SlotChange(slots)) => slots.first().map(|s| s.present),
        _ => None,
    })
}

/// The browser setting an administrator turns on for this PC (`/admin` → 端末) to offer
/// 記録モード in the card panel.
pub const CAPTURE_SETTING: &str = "mado.card.capture";
