// Reads a QR code from the camera for the pharmacist's Dispense page. jsQR (vendored, Apache-2.0) is loaded only
// when someone scans: most people never need its 250 kB.
let running = null;

export async function start(video, page) {
    stop();
    await import('./vendor/jsqr/jsQR.js'); // a UMD bundle: it sets self.jsQR
    const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
    video.srcObject = stream;
    await video.play();
    const canvas = document.createElement('canvas');
    const context = canvas.getContext('2d', { willReadFrequently: true });
    const scan = { stream, stopped: false };
    running = scan;
    const frame = () => {
        if (scan.stopped) return;
        if (video.readyState >= video.HAVE_ENOUGH_DATA && video.videoWidth > 0) {
            [canvas.width, canvas.height] = [video.videoWidth, video.videoHeight];
            context.drawImage(video, 0, 0);
            const found = self.jsQR(context.getImageData(0, 0, canvas.width, canvas.height).data, canvas.width, canvas.height,
                { inversionAttempts: 'dontInvert' });
            if (found && found.data) {
                stop();
                page.invokeMethodAsync('Scanned', found.data);
                return;
            }
        }
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
}

export function stop() {
    if (!running) return;
    running.stopped = true;
    running.stream.getTracks().forEach(track => track.stop());
    running = null;
}
