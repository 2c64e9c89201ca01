-- wrk script for compare.sh: every request asks for the next path of a
-- list (one path per service, shuffled once with a fixed seed), so that
-- the requests spread evenly over all services.  An optional second
-- argument sends that many requests at once (HTTP pipelining), for when
-- wrk itself is the bottleneck.
--
--   wrk -t1 -c32 -d5s -s paths.lua http://127.0.0.1:18600 -- PATHS [DEPTH]

local reqs = {}
local n, i = 0, 0

function init(args)
    local paths = {}
    local depth = tonumber(args[2] or "1")

    for line in io.lines(args[1]) do
        paths[#paths + 1] = line
    end

    math.randomseed(20240611)

    for k = #paths, 2, -1 do
        local j = math.random(k)
        paths[k], paths[j] = paths[j], paths[k]
    end

    for k = 1, #paths do
        local batch = {}

        for d = 0, depth - 1 do
            batch[#batch + 1] = wrk.format(nil, paths[(k + d - 1) % #paths + 1])
        end

        reqs[k] = table.concat(batch)
    end

    n = #paths
end

function request()
    i = i % n + 1
    return reqs[i]
end
