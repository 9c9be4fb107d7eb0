// The consultation room's media (Pages/Room.razor): the camera and microphone, and one RTCPeerConnection per other person
// (a mesh: a room holds at most four). Offers, answers and ICE candidates go through the page to the node's room hub;
// the media goes peer to peer, encrypted by DTLS-SRTP, and never reaches the node.
let local = null;        // this person's MediaStream
let page = null;         // the Room component (DotNetObjectReference)
let remotes = null;      // the element that holds the other people's videos
let iceServers = [];
let iceTransportPolicy = 'all';
let screen = null;       // the shared screen's video track, sent instead of the camera's while sharing
let iceRestarts = 0;     // how many times this side restarted ICE (in stats(), for the tests)
const peers = new Map(); // connection id → { pc, video, figure, pending: [], caller, restarts }
// Others may call as soon as the node seats this person, before the page has passed on the relay it was given:
// nothing touches a peer connection until relay() has run.
let configured;
const ready = new Promise(resolve => { configured = resolve; });

export async function start(component, localVideo, remoteBox) {
    page = component;
    remotes = remoteBox;
    local = await navigator.mediaDevices.getUserMedia({ video: true, audio: true });
    localVideo.srcObject = local;
    localVideo.muted = true;
    await localVideo.play().catch(() => {});
}

/** The node's TURN relay with this person's time-limited credentials; relayOnly hides each side's address from the other. */
export function relay(servers, relayOnly) {
    iceServers = servers || [];
    iceTransportPolicy = relayOnly ? 'relay' : 'all';
    configured();
}

function peer(id, role) {
    let p = peers.get(id);
    if (p) return p;
    const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy });
    const figure = document.createElement('figure');
    figure.className = 'remote';
    figure.dataset.peer = id;
    const video = document.createElement('video');
    video.autoplay = true;
    video.playsInline = true;
    video.setAttribute('data-testid', 'remote-video');
    const caption = document.createElement('figcaption');
    caption.textContent = role || '';
    figure.append(video, caption);
    remotes.append(figure);
    p = { pc, video, figure, pending: [], caller: false, restarts: 0 };
    peers.set(id, p);
    for (const track of local.getTracks()) pc.addTrack(track.kind === 'video' && screen ? screen : track, local);
    pc.ontrack = e => { if (video.srcObject !== e.streams[0]) { video.srcObject = e.streams[0]; video.play().catch(() => {}); } };
    pc.onicecandidate = e => { if (e.candidate) page.invokeMethodAsync('Signal', id, 'candidate', JSON.stringify(e.candidate)); };
    pc.onconnectionstatechange = () => {
        page.invokeMethodAsync('PeerState', id, pc.connectionState);
        if (pc.connectionState === 'failed') recover(id, p);
        else if (pc.connectionState === 'disconnected') setTimeout(() => { if (pc.connectionState === 'disconnected') recover(id, p); }, 3000);
        else if (pc.connectionState === 'connected') p.restarts = 0;
    };
    return p;
}

// A path that broke (a network change, a NAT rebinding): the side that called restarts ICE with a new offer, keeping the
// peer connection, its tracks and its DTLS session; the other side answers as to any offer. A lost signalling connection
// is another matter: the room seats the person again and the others call afresh (reset below).
async function recover(id, p) {
    if (!p.caller || peers.get(id) !== p || p.restarts >= 5) return;
    p.restarts++;
    iceRestarts++;
    await p.pc.setLocalDescription(await p.pc.createOffer({ iceRestart: true }));
    await page.invokeMethodAsync('Signal', id, 'offer', JSON.stringify(p.pc.localDescription));
}

/** Someone new came in: this side, already there, makes the offer. */
export async function call(id, role) {
    await ready;
    const p = peer(id, role);
    const pc = p.pc;
    p.caller = true;
    await pc.setLocalDescription(await pc.createOffer());
    await page.invokeMethodAsync('Signal', id, 'offer', JSON.stringify(pc.localDescription));
}

/** Someone already there: remember their part, and wait for their offer. */
export async function expect(id, role) { await ready; peer(id, role); }

export async function receive(id, kind, payload) {
    await ready;
    const p = peer(id, '');
    const data = JSON.parse(payload);
    if (kind === 'offer') {
        await p.pc.setRemoteDescription(data);
        await p.pc.setLocalDescription(await p.pc.createAnswer());
        await page.invokeMethodAsync('Signal', id, 'answer', JSON.stringify(p.pc.localDescription));
        for (const c of p.pending.splice(0)) await p.pc.addIceCandidate(c);
    } else if (kind === 'answer') {
        await p.pc.setRemoteDescription(data);
        for (const c of p.pending.splice(0)) await p.pc.addIceCandidate(c);
    } else if (kind === 'candidate') {
        if (p.pc.remoteDescription) await p.pc.addIceCandidate(data);
        else p.pending.push(data);
    }
}

export function hangUp(id) {
    const p = peers.get(id);
    if (!p) return;
    p.pc.close();
    p.figure.remove();
    peers.delete(id);
}

/** After this side's signalling came back on a new connection: the others call again, on fresh peer connections. */
export function reset() {
    for (const id of [...peers.keys()]) hangUp(id);
}


export function setMicrophone(on) { for (const t of local?.getAudioTracks() ?? []) t.enabled = on; }
export function setCamera(on) { for (const t of local?.getVideoTracks() ?? []) t.enabled = on; }

/**
 * What arrives from the others, summed: video frames decoded, audio packets received, packets lost, and the worst round
 * trip (ms), for the quality indicator and the tests; and how many of the others' videos are being decoded.
 */
export async function stats() {
    const total = { framesDecoded: 0, audioPackets: 0, packetsLost: 0, packetsReceived: 0, rttMs: 0, connected: 0, relayed: 0, decoding: 0, iceRestarts };
    for (const { pc } of peers.values()) {
        if (pc.connectionState === 'connected') total.connected++;
        const report = await pc.getStats();
        let frames = 0;
        report.forEach(s => {
            if (s.type === 'inbound-rtp' && s.kind === 'video') { total.framesDecoded += s.framesDecoded || 0; frames += s.framesDecoded || 0; }
            if (s.type === 'inbound-rtp') { total.packetsLost += Math.max(0, s.packetsLost || 0); total.packetsReceived += s.packetsReceived || 0; }
            if (s.type === 'inbound-rtp' && s.kind === 'audio') { total.audioPackets += s.packetsReceived || 0; }
            if (s.type === 'candidate-pair' && s.nominated && s.currentRoundTripTime) { total.rttMs = Math.max(total.rttMs, s.currentRoundTripTime * 1000); }
        });
        const pair = [...report.values()].find(s => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
        if (pair && report.get(pair.localCandidateId)?.candidateType === 'relay') total.relayed++;
        if (frames > 0) total.decoding++;
    }
    return total;
}

/** The cameras and microphones this browser offers (labels show once the page may use them, which start() asked). */
export async function devices() {
    const all = await navigator.mediaDevices.enumerateDevices();
    const inUse = { videoinput: local?.getVideoTracks()[0]?.getSettings().deviceId, audioinput: local?.getAudioTracks()[0]?.getSettings().deviceId };
    return all.filter(d => d.kind === 'videoinput' || d.kind === 'audioinput')
        .map(d => ({ kind: d.kind, id: d.deviceId, label: d.label, inUse: inUse[d.kind] === d.deviceId }));
}

/**
 * Switches to another camera or microphone: the new track replaces the old one on every peer connection (no new offer,
 * the others keep receiving), keeps its muted or off state, and the old device is released.
 */
export async function useDevice(kind, id) {
    const video = kind === 'videoinput';
    const stream = await navigator.mediaDevices.getUserMedia(video ? { video: { deviceId: { exact: id } } } : { audio: { deviceId: { exact: id } } });
    const track = video ? stream.getVideoTracks()[0] : stream.getAudioTracks()[0];
    const old = video ? local.getVideoTracks()[0] : local.getAudioTracks()[0];
    if (old) track.enabled = old.enabled;
    if (!(video && screen)) await replaceEverywhere(track.kind, track);
    if (old) { local.removeTrack(old); old.stop(); }
    local.addTrack(track);
    return track.getSettings().deviceId;
}

async function replaceEverywhere(kind, track) {
    for (const { pc } of peers.values()) {
        const sender = pc.getSenders().find(s => s.track?.kind === kind);
        if (sender) await sender.replaceTrack(track);
    }
}

/** Sends the screen (or a window) instead of the camera, to everyone in the room; the browser asks which. */
export async function shareScreen(owner) {
    const stream = await navigator.mediaDevices.getDisplayMedia({ video: true, audio: false });
    screen = stream.getVideoTracks()[0];
    // The browser's own "Stop sharing" ends the track: back to the camera, and the page's button says so.
    screen.onended = async () => { await stopSharing(); owner.invokeMethodAsync('SharingEnded'); };
    await replaceEverywhere('video', screen);
    const { width, height } = screen.getSettings();
    return { width: width || 0, height: height || 0 };
}

/** Back to the camera. */
export async function stopSharing() {
    if (!screen) return;
    const shared = screen;
    screen = null;
    await replaceEverywhere('video', local?.getVideoTracks()[0] ?? null);
    shared.stop();
}

/** The size of the video arriving from each of the others, as shown: for tests (a shared screen arrives at its own size). */
export function remoteSizes() {
    return [...peers.values()].map(p => ({ width: p.video.videoWidth, height: p.video.videoHeight }));
}

export function stop() {
    if (screen) { screen.stop(); screen = null; }
    for (const id of [...peers.keys()]) hangUp(id);
    for (const t of local?.getTracks() ?? []) t.stop();
    local = null;
}
