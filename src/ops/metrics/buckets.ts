/**
 * Histogram buckets. Durations are in seconds (Prometheus base unit). AAA answers are expected
 * within milliseconds, an EAP-PSK conversation within a few round trips; anything beyond 10 s is a
 * stuck peer or a timeout and lands in +Inf.
 */
export const AAA_SECONDS_BUCKETS: readonly number[] = [
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];

/** Store operations: SQLite answers in microseconds to a few milliseconds; a lock wait is slower. */
export const STORE_SECONDS_BUCKETS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1,
];

/**
 * EAP request/response rounds (DERs or Access-Requests) per authentication. A successful EAP-PSK
 * takes 3 (Identity response → PSK-1, PSK-2 → PSK-3, PSK-4 → Success; measured against eapol_test
 * and `eapd simulate`), 4 with EAP-Start; a wrong key ends after 2; invalid packets add rounds.
 */
export const EAP_ROUND_BUCKETS: readonly number[] = [1, 2, 3, 4, 5, 6, 8, 10, 15, 20];
