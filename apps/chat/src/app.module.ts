import { Module } from '@nestjs/common';
import { StompModule } from 'nest-stomp';
import { ChatController } from './chat.controller.js';
import { PageController } from './page.controller.js';

/** The Spring setup of the design notes, one to one. */
@Module({
  imports: [
    StompModule.forRoot({
      endpoint: { path: '/portfolio', sockJs: true }, // registry.addEndpoint("/portfolio").withSockJS()
      appPrefixes: ['/app'], // config.setApplicationDestinationPrefixes("/app")
      brokerPrefixes: ['/topic', '/queue'], // config.enableSimpleBroker("/topic", "/queue")
    }),
  ],
  controllers: [ChatController, PageController],
})
export class AppModule {}
