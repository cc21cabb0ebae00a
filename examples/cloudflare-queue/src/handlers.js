// Your handlers, exactly as a receiver takes them: `on` by event type, `onEvent` for every
// delivery, `onError` for failures (the queue retries the message after each).
export const handlers = {
  on: {
    FLAG_UPDATED: async (event, { env }) => {
      const state = event.data.new_state;
      await env.FLAGSMITH_SEEN.put(`flag:${state.environment.id}:${state.feature.name}`, JSON.stringify({ enabled: state.enabled, value: state.feature_state_value }));
    },
  },
  onError: (error, { delivery, attempts }) => console.warn('delivery', delivery?.deliveryKey, 'attempt', attempts, 'failed:', error.message),
};
