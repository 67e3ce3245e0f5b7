//! What the counter PC keeps in IndexedDB (issue 19): the visits open at it, so a reload, a
//! crash or a closed tab resumes them, and the outbox of counter records waiting for the
//! relay. Values are the JSON of `mado_visit::Visit` and `mado_visit::Outgoing`, keyed by the
//! visit's id; a write counts once its transaction has committed. Personal data: a visit is
//! removed when it ends, every visit at logout, and any visit begun before today when the
//! counter opens. No PIN is ever written here.

use idb::{Database, DatabaseEvent, Factory, ObjectStoreParams, TransactionMode};
use mado_visit::{Outgoing, Visit};
use wasm_bindgen::JsValue;

const DB: &str = "mado-desk";
const VERSION: u32 = 1;
const VISITS: &str = "visits";
const OUTBOX: &str = "outbox";

fn err(what: &str, e: impl std::fmt::Display) -> String {
    format!("{what}: {e}")
}

async fn open() -> Result<Database, String> {
    let factory = Factory::new().map_err(|e| err("IndexedDB", e))?;
    let mut req = factory
        .open(DB, Some(VERSION))
        .map_err(|e| err("IndexedDB open", e))?;
    req.on_upgrade_needed(|event| {
        let Ok(db) = event.database() else {
            return;
        };
        for store in [VISITS, OUTBOX] {
            if !db.store_names().iter().any(|s| s == store) {
                // Out-of-line keys: the visit's id.
                let _ = db.create_object_store(store, ObjectStoreParams::new());
            }
        }
    });
    req.await.map_err(|e| err("IndexedDB open", e))
}

async fn put(store: &str, key: &str, json: String) -> Result<(), String> {
    let db = open().await?;
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .map_err(|e| err("IndexedDB", e))?;
    let s = tx.object_store(store).map_err(|e| err("IndexedDB", e))?;
    s.put(&JsValue::from_str(&json), Some(&JsValue::from_str(key)))
        .map_err(|e| err("IndexedDB put", e))?
        .await
        .map_err(|e| err("IndexedDB put", e))?;
    tx.commit()
        .map_err(|e| err("IndexedDB commit", e))?
        .await
        .map_err(|e| err("IndexedDB commit", e))?;
    db.close();
    Ok(())
}

async fn all<T: serde::de::DeserializeOwned>(store: &str) -> Result<Vec<T>, String> {
    let db = open().await?;
    let tx = db
        .transaction(&[store], TransactionMode::ReadOnly)
        .map_err(|e| err("IndexedDB", e))?;
    let s = tx.object_store(store).map_err(|e| err("IndexedDB", e))?;
    let values = s
        .get_all(None, None)
        .map_err(|e| err("IndexedDB read", e))?
        .await
        .map_err(|e| err("IndexedDB read", e))?;
    db.close();
    values
        .into_iter()
        .map(|v| {
            let text = v
                .as_string()
                .ok_or_else(|| format!("{store}: a stored value is not text"))?;
            serde_json::from_str(&text).map_err(|e| format!("{store}: a stored value: {e}"))
        })
        .collect()
}

async fn delete(store: &str, keys: &[String]) -> Result<(), String> {
    let db = open().await?;
    let tx = db
        .transaction(&[store], TransactionMode::ReadWrite)
        .map_err(|e| err("IndexedDB", e))?;
    let s = tx.object_store(store).map_err(|e| err("IndexedDB", e))?;
    for k in keys {
        s.delete(JsValue::from_str(k))
            .map_err(|e| err("IndexedDB delete", e))?
            .await
            .map_err(|e| err("IndexedDB delete", e))?;
    }
    tx.commit()
        .map_err(|e| err("IndexedDB commit", e))?
        .await
        .map_err(|e| err("IndexedDB commit", e))?;
    db.close();
    Ok(())
}

/// Saves the visit (replacing what was kept of it).
pub async fn save_visit(v: &Visit) -> Result<(), String> {
    let json = serde_json::to_string(v).map_err(|e| err("visit", e))?;
    put(VISITS, &v.id, json).await
}

/// Every visit open at this PC, oldest first.
pub async fn visits() -> Result<Vec<Visit>, String> {
    let mut v: Vec<Visit> = all(VISITS).await?;
    v.sort_by_key(|v| v.started_ms);
    Ok(v)
}

/// Removes visits: the one that ended, or all of them.
pub async fn remove_visits(ids: &[String]) -> Result<(), String> {
    delete(VISITS, ids).await
}

/// Removes every visit begun before `day_start_ms` (yesterday's personal data).
pub async fn purge_before(day_start_ms: i64) -> Result<usize, String> {
    let stale: Vec<String> = visits()
        .await?
        .into_iter()
        .filter(|v| v.stale(day_start_ms))
        .map(|v| v.id)
        .collect();
    delete(VISITS, &stale).await?;
    Ok(stale.len())
}

/// Puts a record in the outbox (replacing an earlier version with the same key).
pub async fn enqueue(o: &Outgoing) -> Result<(), String> {
    let json = serde_json::to_string(o).map_err(|e| err("outbox", e))?;
    put(OUTBOX, &o.key, json).await
}

/// The records waiting for the relay, oldest first.
pub async fn outbox() -> Result<Vec<Outgoing>, String> {
    let mut v: Vec<Outgoing> = all(OUTBOX).await?;
    v.sort_by_key(|o| o.queued_ms);
    Ok(v)
}

/// After the relay answered for outbox record `o`: removes it (`then`: `None`, the relay has
/// it) or keeps it marked refused (`then`: the refused copy) — only if the outbox still holds
/// that version. A newer version queued meanwhile under the same key (the visit ended while
/// its saved record was on its way) stays, to be sent next.
async fn settle(o: &Outgoing, then: Option<&Outgoing>) -> Result<(), String> {
    let db = open().await?;
    let tx = db
        .transaction(&[OUTBOX], TransactionMode::ReadWrite)
        .map_err(|e| err("IndexedDB", e))?;
    let s = tx.object_store(OUTBOX).map_err(|e| err("IndexedDB", e))?;
    let key = JsValue::from_str(&o.key);
    let stored = s
        .get(key.clone())
        .map_err(|e| err("IndexedDB read", e))?
        .await
        .map_err(|e| err("IndexedDB read", e))?;
    let same = stored
        .and_then(|v| v.as_string())
        .and_then(|t| serde_json::from_str::<Outgoing>(&t).ok())
        .is_some_and(|now| now.queued_ms == o.queued_ms && now.record == o.record);
    if same {
        match then {
            None => s
                .delete(key)
                .map_err(|e| err("IndexedDB delete", e))?
                .await
                .map_err(|e| err("IndexedDB delete", e))?,
            Some(refused) => {
                let json = serde_json::to_string(refused).map_err(|e| err("outbox", e))?;
                s.put(&JsValue::from_str(&json), Some(&key))
                    .map_err(|e| err("IndexedDB put", e))?
                    .await
                    .map_err(|e| err("IndexedDB put", e))?;
            }
        }
    }
    tx.commit()
        .map_err(|e| err("IndexedDB commit", e))?
        .await
        .map_err(|e| err("IndexedDB commit", e))?;
    db.close();
    Ok(())
}

/// What a pass over the outbox did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Flushed {
    /// Records the relay now has (stored now or before, by their key), with their ids.
    pub sent: Vec<(String, i64)>,
    /// Records still waiting: the relay is out of reach, or nobody is logged in.
    pub waiting: usize,
    /// Records the relay refused, with its reason (kept for staff to see).
    pub refused: Vec<String>,
}

/// Sends every waiting record, oldest first, each by its visit; stops at the first that
/// cannot reach the relay (the rest wait too). A refusal is kept with its reason.
pub async fn flush() -> Result<Flushed, String> {
    use crate::api::ApiError;
    let mut out = Flushed::default();
    let pending = outbox().await?;
    let mut stopped = false;
    for mut o in pending {
        if stopped || o.refused.is_some() {
            if let Some(r) = &o.refused {
                out.refused.push(r.clone());
            } else {
                out.waiting += 1;
            }
            continue;
        }
        match crate::api::save_guide_record(&o.office, &o.record, &o.key).await {
            Ok(r) => {
                settle(&o, None).await?;
                out.sent.push((o.key.clone(), r.id));
            }
            Err(ApiError::Network(_) | ApiError::Unauthorized) => {
                stopped = true;
                out.waiting += 1;
            }
            Err(ApiError::Refused { message, .. }) => {
                let queued = o.clone();
                o.refused = Some(message.clone());
                settle(&queued, Some(&o)).await?;
                out.refused.push(message);
            }
            Err(e) => {
                // An answer that is not the record: the relay may have it; sent again later,
                // its visit keeps it to one.
                stopped = true;
                out.waiting += 1;
                let _ = e;
            }
        }
    }
    Ok(out)
}
