//! What the relay keeps in memory of what it read: offices (with their calendars and slot
//! rules) until their settings change, and walk-ins' next free slots for a moment.

use std::collections::HashMap;
use std::sync::Arc;

use mado_wire::SlotOffer;

use crate::store::reservations::BookingConfig;

/// Offices read so far, by id (see `AppState::office`).
///
/// A value read from the database is kept only if nothing was forgotten while it was read:
/// a save that lands meanwhile (on this relay or, through `mado_config`, another) cannot
/// leave the older value kept.
#[derive(Debug, Default)]
pub(crate) struct OfficeCache {
    map: std::sync::RwLock<HashMap<String, CachedOffice>>,
    /// Counts forgets: a reader notes it before reading the database.
    epoch: std::sync::atomic::AtomicU64,
}

impl OfficeCache {
    pub(crate) fn map(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, CachedOffice>> {
        self.map.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn map_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, CachedOffice>> {
        self.map.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Note this before reading what is to be kept.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Keeps a value read since `epoch`, unless something was forgotten meanwhile.
    pub(crate) fn keep(&self, office: &str, epoch: u64, set: impl FnOnce(&mut CachedOffice)) {
        let mut map = self.map_mut();
        if self.epoch() == epoch {
            set(map.entry(office.to_owned()).or_default());
        }
    }

    pub(crate) fn kiosks_only(&self, office: &str) -> Option<bool> {
        self.map().get(office).and_then(|c| c.kiosks_only)
    }

    pub(crate) fn keep_kiosks_only(&self, office: &str, epoch: u64, only: bool) {
        self.keep(office, epoch, |c| c.kiosks_only = Some(only));
    }

    /// Forgets what is kept of `office` (its settings changed).
    pub(crate) fn forget(&self, office: &str) {
        let mut map = self.map_mut();
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        map.remove(office);
    }

    /// Forgets every office (changes may have been missed).
    pub(crate) fn clear(&self) {
        let mut map = self.map_mut();
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        map.clear();
    }
}

/// What is kept of one office: the office, and its calendar and slot rules once asked for.
#[derive(Debug, Default)]
pub(crate) struct CachedOffice {
    pub(crate) office: Option<Arc<mado_wire::Office>>,
    pub(crate) bookings: Option<Arc<BookingConfig>>,
    /// Whether it takes tickets only at its kiosks (`devices::require_kiosk`).
    pub(crate) kiosks_only: Option<bool>,
}

/// How long a walk-in's next free slot is reused before it is read again.
const NEXT_SLOT_FOR: std::time::Duration = std::time::Duration::from_secs(1);

/// The next free slot of each office's services, as last read (`reservations::next_free_slot`).
///
/// On a busy day the kiosk offers it with nearly every ticket, and every ticket would read
/// the day's slots again (some 250 reads a second at the benchmark's load). The offer is a
/// hint: the resident books on `/apply`, which shows the slots as they are. So it is reused
/// for [`NEXT_SLOT_FOR`], forgotten when this relay books, cancels or moves a reservation of
/// that service, and when the office's settings change (here or, with PostgreSQL, on another
/// relay); a booking on another relay shows within a second.
#[derive(Debug, Default)]
pub(crate) struct NextSlots {
    map: std::sync::Mutex<HashMap<(String, String), NextSlot>>,
    /// Counts forgets: a read is kept only if none came while it was made.
    forgets: std::sync::atomic::AtomicU64,
}

#[derive(Debug)]
struct NextSlot {
    read_at: std::time::Instant,
    /// [`OfficeCache::epoch`] when it was read: the office's settings as they were.
    settings: u64,
    offer: Option<SlotOffer>,
}

impl NextSlots {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<(String, String), NextSlot>> {
        self.map.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn forgets(&self) -> u64 {
        self.forgets.load(std::sync::atomic::Ordering::Acquire)
    }

    /// The offer read less than [`NEXT_SLOT_FOR`] ago under the same settings, if any.
    pub(crate) fn get(
        &self,
        office: &str,
        service: &str,
        settings: u64,
    ) -> Option<Option<SlotOffer>> {
        let map = self.map();
        let slot = map.get(&(office.to_owned(), service.to_owned()))?;
        (slot.settings == settings && slot.read_at.elapsed() < NEXT_SLOT_FOR)
            .then(|| slot.offer.clone())
    }

    /// Keeps an offer whose read began at `read_at`, when [`Self::forgets`] was `forgets`.
    pub(crate) fn keep(
        &self,
        key: (String, String),
        forgets: u64,
        read_at: std::time::Instant,
        settings: u64,
        offer: Option<SlotOffer>,
    ) {
        let mut map = self.map();
        if self.forgets() == forgets {
            map.insert(
                key,
                NextSlot {
                    read_at,
                    settings,
                    offer,
                },
            );
        }
    }

    /// After a commit that changed the booked places of `service`.
    pub(crate) fn forget(&self, office: &str, service: &str) {
        let mut map = self.map();
        self.forgets
            .fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        map.remove(&(office.to_owned(), service.to_owned()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn office(name: &str) -> Arc<mado_wire::Office> {
        let mut o: mado_wire::Office = serde_json::from_str(crate::db::DEMO_OFFICE).unwrap();
        o.name = name.into();
        Arc::new(o)
    }

    #[test]
    fn a_value_read_across_a_forget_is_not_kept() {
        let cache = OfficeCache::default();
        let before = cache.epoch();
        cache.keep("kokurakita", before, |c| c.office = Some(office("旧")));
        assert_eq!(
            cache.map()["kokurakita"].office.as_ref().unwrap().name,
            "旧"
        );

        // Read begins; the settings are saved meanwhile; the (older) value read is dropped.
        let read_from = cache.epoch();
        cache.forget("kokurakita");
        cache.keep("kokurakita", read_from, |c| c.office = Some(office("旧")));
        assert!(!cache.map().contains_key("kokurakita"));

        // Read again after the save: kept.
        let read_from = cache.epoch();
        cache.keep("kokurakita", read_from, |c| c.office = Some(office("新")));
        assert_eq!(
            cache.map()["kokurakita"].office.as_ref().unwrap().name,
            "新"
        );
        cache.clear();
        assert!(cache.map().is_empty());
    }

    fn offer(start: &str) -> SlotOffer {
        SlotOffer {
            service: "okuyami".into(),
            day: mado_civil::Date::parse_iso("2026-11-24").unwrap(),
            start: start.into(),
            end: "09:30".into(),
            free: 2,
        }
    }

    fn key() -> (String, String) {
        ("kokurakita".into(), "okuyami".into())
    }

    #[test]
    fn a_next_slot_is_reused_for_a_moment_under_the_same_settings() {
        let slots = NextSlots::default();
        assert_eq!(slots.get("kokurakita", "okuyami", 0), None);
        let now = std::time::Instant::now();
        slots.keep(key(), slots.forgets(), now, 0, Some(offer("09:00")));
        assert_eq!(
            slots.get("kokurakita", "okuyami", 0),
            Some(Some(offer("09:00")))
        );
        // Nothing free is an answer too.
        slots.keep(key(), slots.forgets(), now, 0, None);
        assert_eq!(slots.get("kokurakita", "okuyami", 0), Some(None));
        // Another service, or settings changed since: read again.
        assert_eq!(slots.get("kokurakita", "jumin", 0), None);
        assert_eq!(slots.get("kokurakita", "okuyami", 1), None);
        // Read too long ago: read again.
        let old = now.checked_sub(NEXT_SLOT_FOR).unwrap();
        slots.keep(key(), slots.forgets(), old, 0, Some(offer("09:00")));
        assert_eq!(slots.get("kokurakita", "okuyami", 0), None);
    }

    #[test]
    fn a_booking_forgets_the_next_slot_and_a_read_it_overlapped_is_not_kept() {
        let slots = NextSlots::default();
        let now = std::time::Instant::now();
        slots.keep(key(), slots.forgets(), now, 0, Some(offer("09:00")));
        slots.forget("kokurakita", "okuyami");
        assert_eq!(slots.get("kokurakita", "okuyami", 0), None);
        // A read that began before a booking committed may miss it: not kept.
        let began = slots.forgets();
        slots.forget("kokurakita", "okuyami");
        slots.keep(key(), began, now, 0, Some(offer("09:00")));
        assert_eq!(slots.get("kokurakita", "okuyami", 0), None);
        // One that began after it is.
        slots.keep(key(), slots.forgets(), now, 0, Some(offer("10:00")));
        assert_eq!(
            slots.get("kokurakita", "okuyami", 0),
            Some(Some(offer("10:00")))
        );
    }
}
