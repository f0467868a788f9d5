"""The official record (全程记实): hash-chained events, signed checkpoints, verification, replay and exports."""
