//! Reading a QR code with the kiosk's camera: the browser gives video frames (getUserMedia,
//! drawn to a canvas), and a pure Rust decoder (`rqrr`) finds and reads the code. Nothing
//! leaves the kiosk: frames are decoded in the page and dropped.

/// Frames are scaled down to at most this width before decoding: a booking QR held to the
/// camera is large in the picture, and a small frame decodes in a few milliseconds.
pub const MAX_WIDTH: u32 = 640;

/// The text of the first QR code readable in an RGBA frame (`width` × `height`, 4 bytes a
/// pixel, as `CanvasRenderingContext2D.getImageData` gives it), if there is one.
pub fn decode_rgba(width: usize, height: usize, rgba: &[u8]) -> Option<String> {
    if width == 0 || height == 0 || rgba.len() < width * height * 4 {
        return None;
    }
    let luma = |x: usize, y: usize| {
        let i = (y * width + x) * 4;
        // ITU-R BT.601 luma, integer.
        let (r, g, b) = (
            u32::from(rgba[i]),
            u32::from(rgba[i + 1]),
            u32::from(rgba[i + 2]),
        );
        ((r * 299 + g * 587 + b * 114) / 1000) as u8
    };
    let mut image = rqrr::PreparedImage::prepare_from_greyscale(width, height, luma);
    image
        .detect_grids()
        .into_iter()
        .find_map(|grid| grid.decode().ok().map(|(_, text)| text))
}

pub use camera::Camera;

mod camera {
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{
        CanvasRenderingContext2d, HtmlCanvasElement, HtmlVideoElement, MediaStream,
        MediaStreamConstraints, MediaStreamTrack,
    };

    /// The camera while it is on; [`Camera::stop`] turns it off (also on drop).
    #[derive(Debug)]
    pub struct Camera {
        stream: MediaStream,
        video: HtmlVideoElement,
        canvas: HtmlCanvasElement,
    }

    fn js_err(e: JsValue) -> String {
        e.dyn_ref::<js_sys::Error>()
            .map(|e| String::from(e.name()) + ": " + &String::from(e.message()))
            .or_else(|| e.as_string())
            .unwrap_or_else(|| format!("{e:?}"))
    }

    impl Camera {
        /// Asks for the camera facing the resident (a kiosk's screen side) and shows it in
        /// `video` (mirrored by the page's style, as people expect to see themselves).
        pub async fn start(video: HtmlVideoElement) -> Result<Self, String> {
            let window = web_sys::window().ok_or("no window")?;
            let devices = window
                .navigator()
                .media_devices()
                .map_err(|_| "this browser gives no camera access (an https page is needed)")?;
            let constraints = MediaStreamConstraints::new();
            let video_constraints = js_sys::Object::new();
            js_sys::Reflect::set(&video_constraints, &"facingMode".into(), &"user".into())
                .map_err(js_err)?;
            constraints.set_video(&video_constraints);
            constraints.set_audio(&JsValue::FALSE);
            let promise = devices
                .get_user_media_with_constraints(&constraints)
                .map_err(js_err)?;
            let stream: MediaStream = JsFuture::from(promise).await.map_err(js_err)?.into();
            video.set_src_object(Some(&stream));
            video.set_muted(true);
            let _ = video.set_attribute("playsinline", "");
            if let Ok(p) = video.play() {
                JsFuture::from(p).await.map_err(js_err)?;
            }
            let canvas: HtmlCanvasElement = window
                .document()
                .ok_or("no document")?
                .create_element("canvas")
                .map_err(js_err)?
                .unchecked_into();
            Ok(Self {
                stream,
                video,
                canvas,
            })
        }

        /// The QR code in the current frame, if one is readable.
        pub fn scan(&self) -> Option<String> {
            let (w, h) = (self.video.video_width(), self.video.video_height());
            if w == 0 || h == 0 {
                return None;
            }
            let scale = (super::MAX_WIDTH as f64 / w as f64).min(1.0);
            let (cw, ch) = (
                ((w as f64) * scale).round() as u32,
                ((h as f64) * scale).round() as u32,
            );
            self.canvas.set_width(cw);
            self.canvas.set_height(ch);
            let ctx: CanvasRenderingContext2d =
                self.canvas.get_context("2d").ok()??.dyn_into().ok()?;
            ctx.draw_image_with_html_video_element_and_dw_and_dh(
                &self.video,
                0.0,
                0.0,
                f64::from(cw),
                f64::from(ch),
            )
            .ok()?;
            let data = ctx
                .get_image_data(0.0, 0.0, f64::from(cw), f64::from(ch))
                .ok()?;
            super::decode_rgba(cw as usize, ch as usize, &data.data())
        }

        /// Turns the camera off.
        pub fn stop(&self) {
            for track in self.stream.get_tracks().iter() {
                if let Ok(t) = track.dyn_into::<MediaStreamTrack>() {
                    t.stop();
                }
            }
            self.video.set_src_object(None);
        }
    }

    impl Drop for Camera {
        fn drop(&mut self) {
            self.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` as a QR code drawn into an RGBA frame: `scale` pixels a module, white border,
    /// placed at (`left`, `top`) on a grey background, as a camera would see a held phone.
    fn frame(text: &str, scale: usize, left: usize, top: usize) -> (usize, usize, Vec<u8>) {
        let qr = qrcodegen::QrCode::encode_text(text, qrcodegen::QrCodeEcc::Medium).unwrap();
        let n = qr.size() as usize + 8;
        let (w, h) = (640, 480);
        let mut px = vec![0u8; w * h * 4];
        for y in 0..h {
            for x in 0..w {
                let (mx, my) = (x.wrapping_sub(left) / scale, y.wrapping_sub(top) / scale);
                let v = if x >= left && y >= top && mx < n && my < n {
                    let dark = qr.get_module(mx as i32 - 4, my as i32 - 4);
                    if dark { 20 } else { 235 }
                } else {
                    128
                };
                px[(y * w + x) * 4..][..4].copy_from_slice(&[v, v, v.saturating_sub(10), 255]);
            }
        }
        (w, h, px)
    }

    #[test]
    fn a_booking_link_is_read_from_a_camera_frame() {
        let link = format!("https://mado.example.lg.jp/r#{}", "9f".repeat(32));
        let (w, h, px) = frame(&link, 6, 100, 20);
        assert_eq!(decode_rgba(w, h, &px), Some(link));
    }

    #[test]
    fn a_frame_without_a_code_reads_nothing() {
        let px = vec![128u8; 640 * 480 * 4];
        assert_eq!(decode_rgba(640, 480, &px), None);
        assert_eq!(decode_rgba(640, 480, &px[..100]), None);
        assert_eq!(decode_rgba(0, 0, &[]), None);
    }
}
