import { Inject, Injectable } from '@nestjs/common';
import { DestinationResolver } from '../destinations/destination-resolver.js';
import { DeclaredPublications } from '../handlers/declared-publications.js';
import type { StompMessageDoc, StompPublication } from '../handlers/handler-metadata.js';
import { defaultUserDestination } from '../handlers/handler-result.router.js';
import type { MessageHandler } from '../handlers/message-handler.js';
import { MessageHandlerRegistry } from '../handlers/message-handler.registry.js';
import { STOMP_SETTINGS } from '../interfaces/injection-tokens.js';
import { JSON_CONTENT_TYPE } from '../protocol/content-types.js';
import type { AsyncApiSettings } from './asyncapi.options.js';
import { channelRef, DocumentWriter, type AsyncApiDocument, type AsyncApiServer, type MessageSpec, type Ref } from './asyncapi-document.js';
import { STOMP_ERROR_REPORT_SCHEMA } from './error-report.schema.js';
import { PayloadSchemas, type PayloadSchema } from './payload-schemas.js';

const STOMP_VERSION = '1.2';
const UNKNOWN_REPLY =
  'Not inferred: the handler returns a Promise, an Observable or no declared type, whose value TypeScript does not record. Describe it with @AsyncApiReply.';

/**
 * Writes the AsyncAPI 3.0 document of the application's STOMP API from what the explorer found:
 * endpoints as servers, mapped destinations as channels the application receives on, reply and
 * declared destinations as channels it sends to, and the error destination.
 */
@Injectable()
export class AsyncApiDocumentBuilder {
  constructor(
    private readonly registry: MessageHandlerRegistry,
    private readonly publications: DeclaredPublications,
    private readonly destinations: DestinationResolver,
    @Inject(STOMP_SETTINGS) private readonly settings: AsyncApiSettings,
  ) {}

  /** A new document each call; `host` is the servers' host (default the `asyncApi.host` option, else `localhost`). */
  build(host: string = this.settings.asyncApi.host ?? 'localhost'): AsyncApiDocument {
    const writer = new DocumentWriter();
    const schemas = new PayloadSchemas();
    const handlers = this.registry.all();
    for (const handler of handlers) this.describeHandler(handler, writer, schemas);
    const errors = this.settings.errorDestination !== false && handlers.length > 0 ? this.describeErrors(this.settings.errorDestination, writer) : undefined;
    const declared = [
      ...this.settings.asyncApi.publishes.map((publication) => ({ publication, declaredBy: 'the asyncApi.publishes option' })),
      ...this.publications.all().map(({ publication, declaredBy }) => ({ publication, declaredBy })),
    ];
    for (const { publication, declaredBy } of declared) this.describePublication(publication, declaredBy, writer, schemas);
    const { info } = this.settings.asyncApi;
    return {
      asyncapi: '3.0.0',
      info: { title: info.title, version: info.version, ...(info.description ? { description: info.description } : {}) },
      defaultContentType: JSON_CONTENT_TYPE,
      servers: this.servers(host),
      channels: writer.channels,
      operations: writer.operations,
      components: { schemas: schemas.components },
      'x-stomp': {
        applicationDestinationPrefixes: this.settings.appPrefixes,
        userDestinationPrefix: this.userPrefix(),
        ...(errors ? { errorDestination: errors } : {}),
      },
    };
  }

  private servers(host: string): Record<string, AsyncApiServer> {
    const servers: Record<string, AsyncApiServer> = {};
    for (const endpoint of this.settings.endpoints) {
      const name = endpoint.path.replace(/[^A-Za-z0-9_-]+/g, '_').replace(/^_+|_+$/g, '') || 'root';
      servers[`${name}-websocket`] = {
        host,
        protocol: 'stomp',
        protocolVersion: STOMP_VERSION,
        pathname: endpoint.sockJs ? `${endpoint.path}/websocket` : endpoint.path,
        title: `${endpoint.path} over WebSocket`,
        description: 'STOMP 1.0 to 1.2 over a raw WebSocket (subprotocols v12.stomp, v11.stomp, v10.stomp): ws:// or wss://.',
      };
      if (endpoint.sockJs) {
        servers[`${name}-sockjs`] = {
          host,
          protocol: 'stomp',
          protocolVersion: STOMP_VERSION,
          pathname: endpoint.path,
          title: `${endpoint.path} over SockJS`,
          description: 'STOMP over SockJS (http:// or https://, e.g. new SockJS(url)): WebSocket where it can, else HTTP streaming or polling.',
        };
      }
    }
    return servers;
  }

  private describeHandler(handler: MessageHandler, writer: DocumentWriter, schemas: PayloadSchemas): void {
    const { signature, kind } = handler;
    const lookup = handler.pattern.pattern;
    const verb = kind === 'message' ? ('SEND' as const) : ('SUBSCRIBE' as const);
    const hasReply = signature.returnType !== 'void' || signature.replyDoc !== undefined;
    const reply = hasReply ? schemas.describe(signature.returnType, signature.replyDoc) : undefined;
    const replyMessage = reply && messageSpec(reply, signature.replyDoc, `${handler.name}Reply`, `What ${handler.name} returns`, UNKNOWN_REPLY);

    for (const destination of this.applicationAddresses(lookup)) {
      const channel = writer.channel(destination, `Handled by ${handler.name} (@${kind === 'message' ? 'MessageMapping' : 'SubscribeMapping'}).`);
      const inbound =
        kind === 'message'
          ? writer.message(channel, messageSpec(this.payloadOf(handler, schemas), signature.payloadDoc, `${handler.name}Payload`, `What ${handler.name} receives`))
          : writer.message(channel, { name: 'subscribe', title: 'SUBSCRIBE', description: 'A SUBSCRIBE frame: it has no body.', payload: NO_BODY });
      const { address } = writer.channels[channel]!;
      const operation = {
        action: 'receive' as const,
        channel: channelRef(channel),
        title: `${verb} ${address}`,
        summary: `${handler.name} handles a ${verb} to ${address}.`,
        messages: [inbound],
        'x-stomp-frame': verb,
      };
      const toSender = replyMessage && this.replyToSender(handler, channel, replyMessage, writer);
      writer.operation(handler.name, toSender ? { ...operation, reply: toSender } : operation);
      if (replyMessage) this.describeBroadcasts(handler, replyMessage, writer);
    }
  }

  /**
   * Where the reply goes back to the one who sent: the subscriber (`@SubscribeMapping` without
   * `@SendTo`) or its user destination (`@SendToUser`).
   */
  private replyToSender(handler: MessageHandler, channel: string, message: MessageSpec, writer: DocumentWriter): { channel: Ref; messages: Ref[] } | undefined {
    const lookup = handler.pattern.pattern;
    if (handler.sendToUser) {
      const targets = handler.sendToUser.destinations.length > 0 ? handler.sendToUser.destinations : [defaultUserDestination(lookup)];
      const channels = targets.map((target) =>
        writer.channel(this.userAddress(target), `A user destination: subscribe to it to receive what is sent to your ${handler.sendToUser!.broadcast ? 'user (every session)' : 'session'}.`),
      );
      for (const userChannel of channels) {
        writer.operation(`${handler.name}_reply`, {
          action: 'send',
          channel: channelRef(userChannel),
          title: `MESSAGE ${writer.channels[userChannel]!.address}`,
          summary: `${handler.name}'s reply, to the sender's ${handler.sendToUser.broadcast ? 'sessions' : 'session'} only (@SendToUser).`,
          messages: [writer.message(userChannel, message)],
        });
      }
      return { channel: channelRef(channels[0]!), messages: [writer.message(channels[0]!, message)] };
    }
    if (handler.kind === 'subscribe' && !handler.sendTo) {
      return { channel: channelRef(channel), messages: [writer.message(channel, message)] };
    }
    return undefined;
  }

  /** `@SendTo` destinations, or the default destination of a `@MessageMapping` without either annotation. */
  private describeBroadcasts(handler: MessageHandler, message: MessageSpec, writer: DocumentWriter): void {
    const lookup = handler.pattern.pattern;
    let targets: readonly string[];
    let how: string;
    if (handler.sendTo) {
      targets = handler.sendTo.length > 0 ? handler.sendTo : [this.destinations.defaultDestination(lookup)];
      how = handler.sendTo.length > 0 ? '@SendTo' : '@SendTo() without a destination: the default destination';
    } else if (!handler.sendToUser && handler.kind === 'message') {
      targets = [this.destinations.defaultDestination(lookup)];
      how = 'no @SendTo: the default destination';
    } else return;
    for (const target of targets) {
      const channel = writer.channel(target, 'A broker destination: subscribe to it.');
      writer.operation(`${handler.name}_reply`, {
        action: 'send',
        channel: channelRef(channel),
        title: `MESSAGE ${writer.channels[channel]!.address}`,
        summary: `${handler.name}'s reply, to every subscriber (${how}).`,
        messages: [writer.message(channel, message)],
      });
    }
  }

  /** Returns the address of the errors' channel. */
  private describeErrors(errorDestination: string, writer: DocumentWriter): string {
    const channel = writer.channel(this.userAddress(errorDestination), 'Errors of the messages this session sent: subscribe to it to hear why a message failed.');
    writer.operation('reportError', {
      action: 'send',
      channel: channelRef(channel),
      title: `MESSAGE ${writer.channels[channel]!.address}`,
      summary: "A handler's error that no @MessageExceptionHandler took, to the session that sent the message.",
      messages: [
        writer.message(channel, {
          name: 'StompErrorReport',
          description: 'Why a message failed.',
          payload: { schema: STOMP_ERROR_REPORT_SCHEMA, contentType: JSON_CONTENT_TYPE, typeName: 'StompErrorReport' },
          examples: [{ destination: '/app/chat.send', error: 'BadRequestException', message: 'content must not be blank', details: ['content must not be blank'] }],
        }),
      ],
    });
    return writer.channels[channel]!.address;
  }

  private describePublication(publication: StompPublication, declaredBy: string, writer: DocumentWriter, schemas: PayloadSchemas): void {
    const { destination } = publication;
    const payload = schemas.describe(undefined, publication);
    const channel = writer.channel(destination, destination.startsWith(this.userPrefix()) ? 'A user destination: subscribe to it.' : 'A broker destination: subscribe to it.');
    writer.operation(`publish_${destination}`, {
      action: 'send',
      channel: channelRef(channel),
      title: `MESSAGE ${writer.channels[channel]!.address}`,
      summary: `Sent by ${declaredBy} (through SimpMessagingTemplate).`,
      messages: [writer.message(channel, messageSpec(payload, publication, `${destination}Message`, `What ${declaredBy} sends`))],
    });
  }

  /** The payload parameter's schema; `@Payload('property')` reads one property of the body. */
  private payloadOf(handler: MessageHandler, schemas: PayloadSchemas): PayloadSchema {
    const { signature } = handler;
    const payload = schemas.describe(signature.payloadType, signature.payloadDoc);
    if (!signature.payloadProperty || signature.payloadDoc?.schema) return payload;
    return {
      schema: { type: 'object', properties: { [signature.payloadProperty]: payload.schema ?? {} }, required: [signature.payloadProperty] },
      contentType: JSON_CONTENT_TYPE,
      typeName: undefined,
    };
  }

  /** A mapping under each application prefix (`/chat.send` → `/app/chat.send`). */
  private applicationAddresses(lookup: string): string[] {
    return this.settings.appPrefixes.map((prefix) => `${prefix}${lookup.startsWith('/') ? lookup.slice(1) : lookup}`);
  }

  /** What a client subscribes to for a user destination: `/queue/private` → `/user/queue/private`. */
  private userAddress(destination: string): string {
    return `${this.userPrefix()}${destination.startsWith('/') ? destination.slice(1) : destination}`;
  }

  private userPrefix(): string {
    return this.settings.userDestinationPrefix;
  }
}

const NO_BODY: PayloadSchema = { schema: undefined, contentType: JSON_CONTENT_TYPE, typeName: undefined };

function messageSpec(payload: PayloadSchema, doc: StompMessageDoc | undefined, fallbackName: string, title: string, unknownText?: string): MessageSpec {
  const description = doc?.description ?? (payload.schema === undefined ? unknownText : undefined);
  return {
    name: doc?.name ?? payload.typeName ?? fallbackName,
    title,
    payload,
    ...(description ? { description } : {}),
    ...(doc?.examples ? { examples: doc.examples } : {}),
  };
}
