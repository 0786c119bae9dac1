import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { ROUTE_ARGS_METADATA } from '@nestjs/common/constants.js';
import { DiscoveryService, ExternalContextCreator, MetadataScanner, ModulesContainer, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import type { SendToUserMetadata } from '../decorators/send-to-user.decorator.js';
import type { StompEvent, StompEventType } from '../events/stomp-event.js';
import { StompEvents } from '../events/stomp-events.js';
import { DestinationPattern } from '../protocol/destination-pattern.js';
import {
  MESSAGE_EXCEPTION_HANDLER_METADATA,
  MESSAGE_MAPPING_METADATA,
  ON_STOMP_EVENT_METADATA,
  RESOLVED_STOMP_OPTIONS,
  SEND_TO_METADATA,
  SEND_TO_USER_METADATA,
  STOMP_CONTEXT_TYPE,
  SUBSCRIBE_MAPPING_METADATA,
} from '../stomp.constants.js';
import type { ResolvedStompOptions } from '../stomp.options.js';
import { declareImplicitParameters } from './implicit-parameters.js';
import type { ExceptionHandlerMethod, MessageHandler, ReplyTarget } from './message-handler.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import type { StompContext } from './stomp-context.js';
import { createStompContextCreator } from './stomp-context-creator.js';
import { StompParamsFactory } from './stomp-params.factory.js';

type Method = (...args: unknown[]) => unknown;

const MAPPINGS = [
  { kind: 'message', metadata: MESSAGE_MAPPING_METADATA },
  { kind: 'subscribe', metadata: SUBSCRIBE_MAPPING_METADATA },
] as const;

/**
 * Finds, at start-up, the `@MessageMapping`/`@SubscribeMapping` handlers, `@MessageExceptionHandler`
 * methods and `@OnStompEvent` listeners of every controller and provider. Handlers are wrapped by
 * Nest's `ExternalContextCreator`, so guards, pipes, interceptors, exception filters and custom
 * parameter decorators apply to them as to HTTP routes.
 */
@Injectable()
export class StompExplorer implements OnModuleInit {
  private readonly logger = new Logger('StompModule');
  private readonly paramsFactory = new StompParamsFactory();
  private readonly contextCreator: ExternalContextCreator;

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    contextCreator: ExternalContextCreator,
    modules: ModulesContainer,
    private readonly registry: MessageHandlerRegistry,
    private readonly events: StompEvents,
    @Inject(RESOLVED_STOMP_OPTIONS) private readonly options: ResolvedStompOptions,
  ) {
    this.contextCreator = createStompContextCreator(contextCreator, modules);
  }

  onModuleInit(): void {
    const wrappers = [...this.discovery.getControllers(), ...this.discovery.getProviders()];
    for (const wrapper of wrappers) this.exploreInstance(wrapper);
  }

  private exploreInstance(wrapper: InstanceWrapper): void {
    const { instance, metatype } = wrapper;
    if (!instance || typeof instance !== 'object' || !metatype) return;
    const prototype = Object.getPrototypeOf(instance) as object;
    const methods = this.scanner.getAllMethodNames(prototype);
    const annotated = methods.filter((name) =>
      [MESSAGE_MAPPING_METADATA, SUBSCRIBE_MAPPING_METADATA, ON_STOMP_EVENT_METADATA].some((key) => this.reflector.get(key, this.method(instance, name))),
    );
    if (annotated.length === 0) return;
    if (!wrapper.isDependencyTreeStatic()) {
      this.logger.warn(`${metatype.name} is request- or transient-scoped: its STOMP handlers and listeners are ignored (they must be singletons)`);
      return;
    }
    const exceptionHandlers = this.exceptionHandlersOf(instance, metatype, methods);
    for (const methodName of annotated) {
      this.registerHandlers(instance, metatype, prototype, methodName, exceptionHandlers);
      this.registerListener(instance, metatype, methodName);
    }
  }

  private registerHandlers(
    instance: object,
    metatype: Function,
    prototype: object,
    methodName: string,
    exceptionHandlers: readonly ExceptionHandlerMethod[],
  ): void {
    const method = this.method(instance, methodName);
    let invoke: MessageHandler['invoke'] | undefined;
    for (const { kind, metadata } of MAPPINGS) {
      const destinations = this.reflector.get<string[] | undefined>(metadata, method);
      if (!destinations) continue;
      invoke ??= this.createInvoker(instance, prototype, methodName);
      const classPrefixes = this.reflector.get<string[] | undefined>(metadata, metatype) ?? [''];
      const name = `${metatype.name}.${methodName}`;
      for (const prefix of classPrefixes) {
        for (const destination of destinations) {
          const pattern = new DestinationPattern(this.combine(prefix, destination), this.options.pathSeparator);
          this.registry.add({ kind, pattern, name, invoke, exceptionHandlers, ...this.replyTarget(method, metatype) });
          this.logger.log(`Mapped ${kind === 'message' ? 'SEND' : 'SUBSCRIBE'} ${pattern.pattern} to ${name}`);
        }
      }
    }
  }

  private createInvoker(instance: object, prototype: object, methodName: string): MessageHandler['invoke'] {
    declareImplicitParameters(prototype, methodName);
    return this.contextCreator.create(
      instance,
      this.method(instance, methodName),
      methodName,
      ROUTE_ARGS_METADATA,
      this.paramsFactory,
      undefined,
      undefined,
      { guards: true, interceptors: true, filters: true },
      STOMP_CONTEXT_TYPE,
    ) as (payload: unknown, context: StompContext) => Promise<unknown>;
  }

  private exceptionHandlersOf(instance: object, metatype: Function, methods: string[]): ExceptionHandlerMethod[] {
    return methods.flatMap((methodName) => {
      const method = this.method(instance, methodName);
      const errorTypes = this.reflector.get<Function[] | undefined>(MESSAGE_EXCEPTION_HANDLER_METADATA, method);
      if (!errorTypes) return [];
      return [{ errorTypes, name: `${metatype.name}.${methodName}`, invoke: (error, context) => method.call(instance, error, context), ...this.replyTarget(method, metatype) }];
    });
  }

  private registerListener(instance: object, metatype: Function, methodName: string): void {
    const method = this.method(instance, methodName);
    const types = this.reflector.get<StompEventType[] | undefined>(ON_STOMP_EVENT_METADATA, method);
    if (!types) return;
    const wanted = new Set(types);
    const name = `${metatype.name}.${methodName}`;
    this.events.events$.subscribe((event: StompEvent) => {
      if (!wanted.has(event.type)) return;
      try {
        const result = method.call(instance, event);
        if (result instanceof Promise) result.catch((error: unknown) => this.listenerFailed(name, event, error));
      } catch (error) {
        this.listenerFailed(name, event, error);
      }
    });
  }

  private listenerFailed(name: string, event: StompEvent, error: unknown): void {
    this.logger.error(`@OnStompEvent listener ${name} failed on a '${event.type}' event`, error instanceof Error ? error.stack : String(error));
  }

  /**
   * One annotation decides, as in Spring: method `@SendToUser`, method `@SendTo`, class
   * `@SendToUser`, class `@SendTo`, the first with destinations winning, else the first present.
   * So a class-wide `@SendTo('/topic/lobby')` never broadcasts a method's private `@SendToUser` reply.
   */
  private replyTarget(method: Method, metatype: Function): ReplyTarget {
    const candidates: ReplyTarget[] = [];
    for (const target of [method, metatype]) {
      const sendToUser = this.reflector.get<SendToUserMetadata | undefined>(SEND_TO_USER_METADATA, target);
      const sendTo = this.reflector.get<string[] | undefined>(SEND_TO_METADATA, target);
      if (sendToUser) candidates.push({ sendTo: undefined, sendToUser });
      if (sendTo) candidates.push({ sendTo, sendToUser: undefined });
    }
    const destinationsOf = (t: ReplyTarget) => (t.sendToUser ? t.sendToUser.destinations : t.sendTo!);
    return candidates.find((t) => destinationsOf(t).length > 0) ?? candidates[0] ?? { sendTo: undefined, sendToUser: undefined };
  }

  private method(instance: object, name: string): Method {
    return (instance as Record<string, Method>)[name]!;
  }

  /**
   * Joins a class-level and a method-level mapping the way Spring's path matcher does, and gives
   * slash-separated mappings their leading slash (`chat.send` → `/chat.send`).
   */
  private combine(prefix: string, destination: string): string {
    const separator = this.options.pathSeparator;
    let combined: string;
    if (!prefix) combined = destination;
    else if (!destination) combined = prefix;
    else combined = `${stripEnd(prefix, separator)}${separator}${stripStart(destination, separator)}`;
    if (separator === '/' && !combined.startsWith('/')) combined = `/${combined}`;
    return combined;
  }
}

function stripEnd(text: string, char: string): string {
  return text.endsWith(char) ? text.slice(0, -1) : text;
}

function stripStart(text: string, char: string): string {
  return text.startsWith(char) ? text.slice(1) : text;
}
