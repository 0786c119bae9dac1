/** What clients send to `/app/chat.send` and receive on `/topic/messages`. */
export interface ChatMessage {
  sender: string;
  content: string;
}
