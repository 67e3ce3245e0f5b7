//! The call chime (Web Audio) and the voice announcement (Web Speech API).
//!
//! Both are optional extras on top of the visible text: when the browser has no speech
//! engine or blocks audio until a tap, the display still shows every call.

use web_sys::{AudioContext, AudioContextState, OscillatorType, SpeechSynthesisUtterance};

/// Audio output for a lobby display.
#[derive(Debug)]
pub struct Announcer {
    audio: Option<AudioContext>,
}

impl Announcer {
    pub fn new() -> Self {
        Self {
            audio: AudioContext::new().ok(),
        }
    }

    /// Whether sound can play now (browsers block audio until the first tap unless the
    /// kiosk browser is started with an autoplay policy that allows it).
    pub fn is_enabled(&self) -> bool {
        self.audio
            .as_ref()
            .is_some_and(|a| a.state() == AudioContextState::Running)
    }

    /// Unlocks audio; call from a click handler.
    pub fn enable(&self) {
        if let Some(audio) = &self.audio {
            let _ = audio.resume();
        }
        // Speaking an empty utterance inside the tap unlocks speech on some browsers.
        if let Some(speech) = web_sys::window().and_then(|w| w.speech_synthesis().ok())
            && let Ok(u) = SpeechSynthesisUtterance::new_with_text("")
        {
            speech.speak(&u);
        }
    }

    /// Plays the two-tone chime (ピンポーン) and then speaks each text in its language (a BCP 47
    /// tag), one after the other: Japanese then English in a lobby.
    pub fn announce(&self, said: &[(String, &str)]) {
        let chime_secs = self.chime().unwrap_or(0.0);
        let said: Vec<(String, String)> = said
            .iter()
            .map(|(t, l)| (t.clone(), (*l).to_owned()))
            .collect();
        // A future, not a forgotten timer callback: nothing is leaked per announcement.
        wasm_bindgen_futures::spawn_local(async move {
            if chime_secs > 0.0 {
                gloo_timers::future::TimeoutFuture::new((chime_secs * 1000.0) as u32).await;
            }
            // The browser queues utterances: the second starts when the first has ended.
            for (text, lang) in &said {
                speak(text, lang);
            }
        });
    }

    /// Schedules the chime; returns its length in seconds.
    fn chime(&self) -> Option<f64> {
        let audio = self.audio.as_ref().filter(|_| self.is_enabled())?;
        let start = audio.current_time();
        // E5 then C5, each a soft decaying sine.
        for (i, freq) in [659.25_f32, 523.25].into_iter().enumerate() {
            let at = start + i as f64 * 0.45;
            let osc = audio.create_oscillator().ok()?;
            let gain = audio.create_gain().ok()?;
            osc.set_type(OscillatorType::Sine);
            osc.frequency().set_value(freq);
            gain.gain().set_value_at_time(0.0, at).ok()?;
            gain.gain()
                .linear_ramp_to_value_at_time(0.35, at + 0.02)
                .ok()?;
            gain.gain()
                .exponential_ramp_to_value_at_time(0.001, at + 0.9)
                .ok()?;
            osc.connect_with_audio_node(&gain).ok()?;
            gain.connect_with_audio_node(&audio.destination()).ok()?;
            osc.start_with_when(at).ok()?;
            osc.stop_with_when(at + 0.95).ok()?;
        }
        Some(1.0)
    }
}

impl Default for Announcer {
    fn default() -> Self {
        Self::new()
    }
}

/// Speaks `text` if the browser has speech synthesis; does nothing otherwise.
fn speak(text: &str, lang: &str) {
    let Some(speech) = web_sys::window().and_then(|w| w.speech_synthesis().ok()) else {
        return;
    };
    let Ok(utterance) = SpeechSynthesisUtterance::new_with_text(text) else {
        return;
    };
    utterance.set_lang(lang);
    utterance.set_rate(0.9);
    speech.speak(&utterance);
}
