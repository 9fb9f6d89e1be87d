/** Types for cluster-key-slot (ioredis's own slot function), which ships none. */
declare module 'cluster-key-slot' {
  /** The Cluster hash slot (0-16383) of a key, honouring a {hash tag}. */
  export default function calculateSlot(key: string | Buffer): number;
}
