import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { replyDestinationFor } from '../shared/destinations.js';
import { serveBenchIpc } from './server-ipc.js';

/**
 * What Nest users use today: socket.io rooms. A subscription joins the room named by the
 * destination; a send is re-emitted to the room of the reply destination (socket.io encodes a room
 * broadcast once). socket.io's own defaults otherwise (pings included), as an application has them.
 */
const httpServer = createServer();
const io = new Server(httpServer, { serveClient: false });

io.on('connection', (socket) => {
  socket.on('subscribe', (destination: string, acknowledge: () => void) => {
    void socket.join(destination);
    acknowledge();
  });
  socket.on('send', (destination: string, payload: unknown) => {
    const target = replyDestinationFor(destination);
    if (target) io.to(target).emit('message', payload);
  });
});

httpServer.listen(0, '127.0.0.1', () => serveBenchIpc((httpServer.address() as AddressInfo).port));
