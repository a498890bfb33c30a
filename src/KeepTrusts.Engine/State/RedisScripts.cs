namespace KeepTrusts.Engine.State;

/// <summary>
/// The Lua scripts behind the shared state. Each runs atomically in Redis and reads the time from Redis itself,
/// so replicas with skewed clocks still count in the same windows.
/// </summary>
internal static class RedisScripts
{
    /// <summary>
    /// The same sliding window as <c>MinuteRateLimiter</c>: six 10-second buckets in one hash (fields r:slot, t:slot).
    /// KEYS[1] hash; ARGV requests_per_minute (-1 = none), tokens_per_minute (-1 = none), estimated tokens.
    /// Returns {1, 0} when reserved, {0, retry_after_ms} when refused.
    /// </summary>
    public const string RateLimitAcquire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local slot = math.floor(now / 10000)
        local rpm = tonumber(ARGV[1])
        local tpm = tonumber(ARGV[2])
        local est = tonumber(ARGV[3])
        local all = redis.call('HGETALL', KEYS[1])
        local requests, tokens, oldest = 0, 0, slot
        for i = 1, #all, 2 do
          local field = all[i]
          local s = tonumber(string.sub(field, 3))
          local v = tonumber(all[i + 1])
          if s <= slot - 6 then
            redis.call('HDEL', KEYS[1], field)
          else
            if string.sub(field, 1, 1) == 'r' then requests = requests + v else tokens = tokens + v end
            if v > 0 and s < oldest then oldest = s end
          end
        end
        local over_requests = rpm >= 0 and requests + 1 > rpm
        local over_tokens = tpm >= 0 and tokens > 0 and tokens + est > tpm
        if over_requests or over_tokens then
          return {0, (oldest + 6) * 10000 - now}
        end
        redis.call('HINCRBY', KEYS[1], 'r:' .. slot, 1)
        if est ~= 0 then redis.call('HINCRBY', KEYS[1], 't:' .. slot, est) end
        redis.call('PEXPIRE', KEYS[1], 70000)
        return {1, 0}
        """;

    /// <summary>KEYS[1] hash; ARGV token delta (actual - estimated). Applied to the current bucket, never below 0.</summary>
    public const string RateLimitCorrect = """
        local t = redis.call('TIME')
        local slot = math.floor((tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)) / 10000)
        local field = 't:' .. slot
        local v = redis.call('HINCRBY', KEYS[1], field, tonumber(ARGV[1]))
        if v < 0 then redis.call('HSET', KEYS[1], field, 0) end
        redis.call('PEXPIRE', KEYS[1], 70000)
        return v
        """;

    /// <summary>
    /// Records one call outcome of a target. KEYS[1] breaker hash, KEYS[2] all samples, KEYS[3] failed samples (zsets by time).
    /// ARGV outcome (s|f|c), consecutive_failures, failure_ratio, minimum_throughput, window_ms, break_ms, sample id, channel, target.
    /// Returns {state (c|o|h), remaining break ms}.
    /// </summary>
    public const string BreakerRecord = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local h = KEYS[1]
        local state = redis.call('HGET', h, 'state') or 'c'
        local outcome = ARGV[1]
        local break_ms = tonumber(ARGV[6])
        local function publish(s, remaining)
          redis.call('PUBLISH', ARGV[8], ARGV[9] .. '\n' .. s .. '\n' .. remaining)
        end
        if outcome == 'c' then
          redis.call('HSET', h, 'probe', '0')
          local opened = tonumber(redis.call('HGET', h, 'opened') or '0')
          if state == 'o' then return {state, math.max(0, opened + break_ms - now)} end
          return {state, 0}
        end
        local window = tonumber(ARGV[5])
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
        redis.call('ZREMRANGEBYSCORE', KEYS[3], '-inf', now - window)
        redis.call('ZADD', KEYS[2], now, ARGV[7])
        redis.call('PEXPIRE', KEYS[2], window)
        redis.call('HSET', h, 'probe', '0')
        if outcome == 's' then
          redis.call('HSET', h, 'consec', 0)
          if state ~= 'c' then
            redis.call('HSET', h, 'state', 'c')
            redis.call('DEL', KEYS[2], KEYS[3])
            publish('c', 0)
          end
          return {'c', 0}
        end
        redis.call('ZADD', KEYS[3], now, ARGV[7])
        redis.call('PEXPIRE', KEYS[3], window)
        local consec = redis.call('HINCRBY', h, 'consec', 1)
        local open = false
        if state == 'h' then
          open = true
        elseif state == 'c' then
          if consec >= tonumber(ARGV[2]) then
            open = true
          else
            local total = redis.call('ZCARD', KEYS[2])
            if total >= tonumber(ARGV[4]) and redis.call('ZCARD', KEYS[3]) / total >= tonumber(ARGV[3]) then open = true end
          end
        end
        if open then
          redis.call('HSET', h, 'state', 'o', 'opened', now)
          publish('o', break_ms)
          return {'o', break_ms}
        end
        if state == 'o' then
          local opened = tonumber(redis.call('HGET', h, 'opened') or '0')
          return {'o', math.max(0, opened + break_ms - now)}
        end
        return {state, 0}
        """;

    /// <summary>
    /// May a call go to the target? Moves open to half-open once the break has passed and hands out the single probe
    /// (again after break_ms, should the replica holding it have died). KEYS[1] breaker hash; ARGV break_ms, channel, target.
    /// Returns {state, 1 if granted else 0, remaining break ms}.
    /// </summary>
    public const string BreakerAcquire = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local h = KEYS[1]
        local break_ms = tonumber(ARGV[1])
        local state = redis.call('HGET', h, 'state') or 'c'
        if state == 'c' then return {'c', 1, 0} end
        if state == 'o' then
          local opened = tonumber(redis.call('HGET', h, 'opened') or '0')
          if now - opened < break_ms then return {'o', 0, opened + break_ms - now} end
          redis.call('HSET', h, 'state', 'h', 'probe', '1', 'probe_at', now)
          redis.call('PUBLISH', ARGV[2], ARGV[3] .. '\nh\n0')
          return {'h', 1, 0}
        end
        local probe = redis.call('HGET', h, 'probe')
        local at = tonumber(redis.call('HGET', h, 'probe_at') or '0')
        if probe ~= '1' or now - at >= break_ms then
          redis.call('HSET', h, 'probe', '1', 'probe_at', now)
          return {'h', 1, 0}
        end
        return {'h', 0, 0}
        """;

    /// <summary>The breaker's state without changing it. KEYS[1] breaker hash; ARGV break_ms. Returns {state, remaining break ms}.</summary>
    public const string BreakerPeek = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local state = redis.call('HGET', KEYS[1], 'state') or 'c'
        if state == 'o' then
          local opened = tonumber(redis.call('HGET', KEYS[1], 'opened') or '0')
          return {state, math.max(0, opened + tonumber(ARGV[1]) - now)}
        end
        return {state, 0}
        """;

    /// <summary>
    /// Adds micro-USD to a key's day and month counters. KEYS[1] day counter, KEYS[2] month counter; ARGV micro-USD.
    /// Returns {day, month} in micro-USD. Day counters live 2 days, month counters 32.
    /// </summary>
    public const string SpendAdd = """
        local d = redis.call('INCRBY', KEYS[1], ARGV[1])
        local m = redis.call('INCRBY', KEYS[2], ARGV[1])
        redis.call('EXPIRE', KEYS[1], 172800)
        redis.call('EXPIRE', KEYS[2], 2764800)
        return {d, m}
        """;
}
