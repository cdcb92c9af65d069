// A scripted SMSC on the npm `smpp` package: an SMPP peer this project did not write.
//
// Driven by JSON lines on stdin, it reports JSON lines on stdout (see tests/e2e/peer_smsc.py):
//   commands: {"op": "deliver", "id", "source_addr", "destination_addr", "text" | "hex",
//                "data_coding", "esm_class"}            send a deliver_sm
//             {"op": "raw", "hex"}                      write raw bytes on the session socket
//             {"op": "throttle", "n"}                   answer the next n submit_sm ESME_RTHROTTLED
//             {"op": "swallow", "n"}                    leave the next n submit_sm unanswered
//             {"op": "receipts", "on"}                  send delivery receipts when asked for
//             {"op": "drop"}                            destroy every session's socket
//             {"op": "unbind"}                          send unbind on every session
//   events:   {"ev": "listening", "port"}, {"ev": "bind", "command", "system_id"},
//             {"ev": "submit_sm", "seq", "status", "message_id", "source_addr", "destination_addr",
//                "esm_class", "data_coding", "registered_delivery", "udh", "text"},
//             {"ev": "resp", "id", "command", "status"}, {"ev": "pdu", "command", "status", "seq"},
//             {"ev": "close"}
"use strict";

const smpp = require("smpp");
const readline = require("readline");

const sessions = new Set();
const pending = new Map(); // deliver id -> true while its response is outstanding
let throttle = 0;
let swallow = 0;
let receipts = false;
let nextMessageId = 1;
let blast = null; // a benchmark run: MOs kept `window` deep, timed to their reply

function emit(event) {
  process.stdout.write(JSON.stringify(event) + "\n");
}

function udhList(udh) {
  return (udh || []).map((part) => Buffer.from(part).toString("hex"));
}

function messageText(value) {
  if (value && typeof value === "object" && "message" in value) {
    return Buffer.isBuffer(value.message) ? value.message.toString("hex") : value.message;
  }
  return Buffer.isBuffer(value) ? value.toString("hex") : String(value || "");
}

// True for a concatenated SMS's part other than its last (a blast counts a reply once).
function notLastPart(udh) {
  for (const element of udh || []) {
    const ie = Buffer.from(element);
    if (ie[0] === 0x00 && ie.length >= 5) return ie[4] < ie[3];
    if (ie[0] === 0x08 && ie.length >= 6) return ie[5] < ie[4];
  }
  return false;
}

function sendReceipt(session, pdu, messageId) {
  const text = `id:${messageId} sub:001 dlvrd:001 submit date:2601010000 done date:2601010000 stat:DELIVRD err:000 text:`;
  session.deliver_sm({
    source_addr: pdu.destination_addr,
    destination_addr: pdu.source_addr,
    esm_class: 0x04,
    data_coding: 0x01,
    short_message: Buffer.from(text, "latin1"),
    receipted_message_id: messageId,
    message_state: 2,
  });
}

function onSubmit(session, pdu) {
  const event = {
    ev: "submit_sm",
    seq: pdu.sequence_number,
    source_addr: pdu.source_addr,
    destination_addr: pdu.destination_addr,
    esm_class: pdu.esm_class,
    data_coding: pdu.data_coding,
    registered_delivery: pdu.registered_delivery,
    udh: udhList(pdu.short_message && pdu.short_message.udh),
    text: messageText(pdu.short_message),
  };
  if (swallow > 0) {
    swallow -= 1;
    emit({ ...event, status: null, message_id: null });
    return;
  }
  if (throttle > 0) {
    throttle -= 1;
    session.send(pdu.response({ command_status: smpp.ESME_RTHROTTLED }));
    emit({ ...event, status: smpp.ESME_RTHROTTLED, message_id: null });
    return;
  }
  const messageId = `peer${nextMessageId++}`;
  session.send(pdu.response({ message_id: messageId }));
  if (blast) {
    if (notLastPart(pdu.short_message && pdu.short_message.udh)) return;
    onBlastReply(session, pdu.destination_addr);
    return;
  }
  emit({ ...event, status: 0, message_id: messageId });
  if (receipts && pdu.registered_delivery & 0x01) {
    setTimeout(() => sendReceipt(session, pdu, messageId), 10);
  }
}

function onSession(session) {
  sessions.add(session);
  session.socket.setNoDelay(true);
  session.on("error", (err) => emit({ ev: "error", message: String(err) }));
  session.on("close", () => {
    sessions.delete(session);
    emit({ ev: "close" });
  });
  session.on("pdu", (pdu) => {
    const command = pdu.command;
    if (command.startsWith("bind_")) {
      session.send(pdu.response());
      emit({ ev: "bind", command, system_id: pdu.system_id });
    } else if (command === "submit_sm") {
      onSubmit(session, pdu);
    } else if (command === "enquire_link") {
      session.send(pdu.response());
    } else if (command === "unbind") {
      session.send(pdu.response());
      emit({ ev: "pdu", command, status: 0, seq: pdu.sequence_number });
    } else if (!pdu.isResponse() && command === "unknown") {
      session.send(pdu.response());
      emit({ ev: "pdu", command, status: null, seq: pdu.sequence_number });
    } else if (command !== "deliver_sm_resp" || !pending.has(pdu.sequence_number)) {
      emit({ ev: "pdu", command, status: pdu.command_status, seq: pdu.sequence_number });
    }
  });
}

function deliver(cmd) {
  const message = cmd.hex !== undefined ? Buffer.from(cmd.hex, "hex") : cmd.text;
  for (const session of sessions) {
    const pdu = new smpp.PDU("deliver_sm", {
      source_addr: cmd.source_addr,
      destination_addr: cmd.destination_addr,
      esm_class: cmd.esm_class || 0,
      data_coding: cmd.data_coding === undefined ? null : cmd.data_coding,
      short_message: message,
    });
    session.send(pdu, (resp) => {
      emit({ ev: "resp", id: cmd.id, command: resp.command, status: resp.command_status });
    });
    pending.set(pdu.sequence_number, true);
  }
}

// {"op": "blast", "n", "window", "senders": [...], "recipient", "text" | "texts": [...]}: each
// sender in turn sends the texts one after another, each after the reply to the one before (at
// most `window` senders busy); n sequences in all. Reports rate, per-MO latencies and strays
// (replies to a sender with nothing awaiting one: doubled MTs).
function startBlast(cmd) {
  blast = { ...cmd, texts: cmd.texts || [cmd.text], sent: 0, done: 0, mos: 0, stray: 0,
            started: process.hrtime.bigint(), at: new Map(), step: new Map(),
            free: [...cmd.senders], latencies: [] };
  const session = [...sessions][0];
  for (let i = 0; i < cmd.window; i++) sendBlast(session);
}

function sendBlast(session) {
  if (blast.sent >= blast.n || blast.free.length === 0) return;
  const sender = blast.free.shift();
  blast.sent += 1;
  blast.step.set(sender, 0);
  sendStep(session, sender);
}

function sendStep(session, sender) {
  const text = blast.texts[blast.step.get(sender)];
  blast.at.set(sender, process.hrtime.bigint());
  session.deliver_sm({ source_addr: sender, destination_addr: blast.recipient,
                       data_coding: 0, short_message: Buffer.from(text, "latin1") });
}

function onBlastReply(session, recipient) {
  const sent = blast.at.get(recipient);
  if (sent === undefined) {
    blast.stray += 1;
    return;
  }
  blast.at.delete(recipient);
  blast.latencies.push(Number(process.hrtime.bigint() - sent) / 1e6);
  blast.mos += 1;
  const step = blast.step.get(recipient) + 1;
  if (step < blast.texts.length) {
    blast.step.set(recipient, step);
    sendStep(session, recipient);
    return;
  }
  blast.free.push(recipient);
  blast.done += 1;
  if (blast.done >= blast.n) {
    const seconds = Number(process.hrtime.bigint() - blast.started) / 1e9;
    const sorted = blast.latencies.sort((a, b) => a - b);
    const p99 = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
    emit({ ev: "blast", count: blast.done, mos: blast.mos, stray: blast.stray, seconds,
           p99_ms: p99, latencies: blast.keep ? sorted : undefined });
    blast = null;
    return;
  }
  sendBlast(session);
}

function onCommand(line) {
  const cmd = JSON.parse(line);
  if (cmd.op === "deliver") deliver(cmd);
  else if (cmd.op === "raw") for (const s of sessions) s.socket.write(Buffer.from(cmd.hex, "hex"));
  else if (cmd.op === "throttle") throttle = cmd.n;
  else if (cmd.op === "swallow") swallow = cmd.n;
  else if (cmd.op === "receipts") receipts = !!cmd.on;
  else if (cmd.op === "drop") for (const s of sessions) s.socket.destroy();
  else if (cmd.op === "unbind") for (const s of sessions) s.unbind();
  else if (cmd.op === "blast") startBlast(cmd);
  emit({ ev: "ok", op: cmd.op });
}

const server = smpp.createServer(onSession);
server.listen(Number(process.argv[2] || 0), "127.0.0.1", () => {
  emit({ ev: "listening", port: server.address().port });
});
readline.createInterface({ input: process.stdin }).on("line", onCommand).on("close", () => {
  for (const s of sessions) s.socket.destroy();
  server.close();
  process.exit(0);
});
