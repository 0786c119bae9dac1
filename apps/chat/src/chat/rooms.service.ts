import { Injectable } from '@nestjs/common';

export interface Room {
  readonly id: string;
  readonly name: string;
}

@Injectable()
export class RoomsService {
  private readonly rooms: readonly Room[] = [
    { id: 'general', name: 'General' },
    { id: 'random', name: 'Random' },
    { id: 'nestjs', name: 'NestJS' },
  ];

  all(): readonly Room[] {
    return this.rooms;
  }

  exists(id: string): boolean {
    return this.rooms.some((room) => room.id === id);
  }
}
