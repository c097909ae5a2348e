import { connect } from "node:net";

// HTTP/1.1 by hand, for what fetch cannot do: send the headers of a large request and see
// whether the answer comes before the body, or feed a chunked body slowly.

export type Exchange = { answer: string; sent: number; ms: number };

/** Sends `head`, then `body.piece` every 20 ms (`body.times` times) until an answer's headers arrive. */
export function rawExchange(port: number, head: string, body: { piece: Buffer; times: number } = { piece: Buffer.alloc(0), times: 0 }, host = "127.0.0.1"): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const socket = connect(port, host);
    let answer = "";
    let sent = 0;
    let left = body.times;
    const timer = setInterval(() => {
      if (left-- <= 0) return clearInterval(timer);
      socket.write(body.piece);
      sent += body.piece.length;
    }, 20);
    const finish = () => {
      clearInterval(timer);
      socket.destroy();
      resolve({ answer, sent, ms: performance.now() - started });
    };
    // A server that answers and closes before reading the body may reset the connection.
    socket.on("error", (error) => (answer ? finish() : (clearInterval(timer), reject(error))));
    socket.on("data", (data) => {
      answer += data.toString("latin1");
      if (answer.includes("\r\n\r\n")) finish();
    });
    socket.write(head);
  });
}

/** One chunk of a chunked body. */
export const chunkOf = (bytes: Buffer) => Buffer.concat([Buffer.from(`${bytes.length.toString(16)}\r\n`), bytes, Buffer.from("\r\n")]);
