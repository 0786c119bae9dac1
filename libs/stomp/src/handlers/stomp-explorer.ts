import { Inject, Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DiscoveryService, ExternalContextCreator, MetadataScanner, Reflector } from '@nestjs/core';
import type { InstanceWrapper } from '@nestjs/core/injector/instance-wrapper.js';
import { DestinationPattern } from '../messaging/destination-pattern.js';
import { MESSAGE_MAPPING_METADATA, RESOLVED_STOMP_OPTIONS, SEND_TO_METADATA, STOMP_CONTEXT_TYPE } from '../stomp.constants.js';
import type { ResolvedStompOptions } from '../stomp.options.js';
import { MessageHandlerRegistry } from './message-handler.registry.js';
import type { StompContext } from './stomp-context.js';

/**
 * Finds `@MessageMapping` methods on controllers and providers at start-up and registers each,
 * wrapped by Nest's `ExternalContextCreator` so that guards, pipes, interceptors and exception
 * filters apply to it as to an HTTP route.
 */
@Injectable()
export class StompExplorer implements OnModuleInit {
  private readonly logger = new Logger('StompModule');

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly scanner: MetadataScanner,
    private readonly reflector: Reflector,
    private readonly contextCreator: ExternalContextCreator,
    private readonly registry: MessageHandlerRegistry,
    @Inject(RESOLVED_STOMP_OPTIONS) private readonly options: ResolvedStompOptions,
  ) {}

  onModuleInit(): void {
    const wrappers = [...this.discovery.getControllers(), ...this.discovery.getProviders()];
    for (const wrapper of wrappers) this.exploreInstance(wrapper);
  }

  private exploreInstance(wrapper: InstanceWrapper): void {
    const { instance, metatype } = wrapper;
    if (!instance || typeof instance !== 'object' || !metatype) return;
    const prototype = Object.getPrototypeOf(instance) as object;
    const methods = this.scanner.getAllMethodNames(prototype).filter((name) =>
      this.reflector.get<string[] | undefined>(MESSAGE_MAPPING_METADATA, (instance as Record<string, Function>)[name]!),
    );
    if (methods.length === 0) return;
    if (!wrapper.isDependencyTreeStatic()) {
      this.logger.warn(`${metatype.name} is request- or transient-scoped: its @MessageMapping handlers are ignored (STOMP handlers must be singletons)`);
      return;
    }
    const classPrefixes = this.reflector.get<string[] | undefined>(MESSAGE_MAPPING_METADATA, metatype) ?? [''];
    const classSendTo = this.reflector.get<string[] | undefined>(SEND_TO_METADATA, metatype);
    for (const methodName of methods) {
      const method = (instance as Record<string, (...args: unknown[]) => unknown>)[methodName]!;
      const destinations = this.reflector.get<string[]>(MESSAGE_MAPPING_METADATA, method);
      const sendTo = this.reflector.get<string[] | undefined>(SEND_TO_METADATA, method) ?? classSendTo ?? [];
      const invoke = this.contextCreator.create(
        instance,
        method,
        methodName,
        undefined,
        undefined,
        undefined,
        undefined,
        { guards: true, interceptors: true, filters: true },
        STOMP_CONTEXT_TYPE,
      ) as (payload: unknown, context: StompContext) => Promise<unknown>;
      for (const prefix of classPrefixes) {
        for (const destination of destinations) {
          const pattern = new DestinationPattern(this.combine(prefix, destination), this.options.pathSeparator);
          this.registry.add({ pattern, sendTo, name: `${metatype.name}.${methodName}`, invoke });
          this.logger.log(`Mapped ${pattern.pattern} to ${metatype.name}.${methodName}`);
        }
      }
    }
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
