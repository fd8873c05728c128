#!/usr/bin/python3
"""Write a synthetic flights CSV shaped like the one issue 16 quotes: 3 million rows, about
105 MB, columns date, delay, distance, origin, destination.

    /usr/bin/python3 scripts/flights/generate.py /tmp/flights.csv [rows]

The data is not committed; this script makes the same file every time (seeded). Airports are
drawn with a Zipf-like skew (a few hubs carry most flights, as in real traffic), distances are
fixed per route, and delay (whole minutes) depends on distance with a slope and an intercept of
each origin's own, plus heavy-tailed noise; about 2% of delays are missing (cancelled flights).
Only the standard library is used, so it runs before pandas is installed.
"""
import random
import sys


def main():
    path = sys.argv[1]
    rows = int(float(sys.argv[2])) if len(sys.argv) > 2 else 3_000_000
    rng = random.Random(16)
    letters = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    airports = sorted({"".join(rng.choice(letters) for _ in range(3)) for _ in range(320)})
    weights = [1.0 / (k + 1) ** 1.1 for k in range(len(airports))]
    rng.shuffle(weights)
    coords = {a: (rng.uniform(0, 2500), rng.uniform(0, 1200)) for a in airports}
    slope = {a: rng.gauss(0.004, 0.003) for a in airports}
    base = {a: rng.gauss(5, 4) for a in airports}
    cum, total = [], 0.0
    for w in weights:
        total += w
        cum.append(total)
    origins = rng.choices(airports, cum_weights=cum, k=rows)
    dests = rng.choices(airports, cum_weights=cum, k=rows)
    with open(path, "w", newline="") as out:
        out.write("date,delay,distance,origin,destination\n")
        buf = []
        for i in range(rows):
            o, d = origins[i], dests[i]
            if o == d:
                d = airports[(airports.index(d) + 1) % len(airports)]
            (x1, y1), (x2, y2) = coords[o], coords[d]
            distance = int(((x1 - x2) ** 2 + (y1 - y2) ** 2) ** 0.5) + 60
            minute = i * 525_600 // rows  # the year in order, as a flights log is
            day, m = divmod(minute, 1440)
            month, dom = divmod(day, 31)
            date = f"2019-{month % 12 + 1:02d}-{dom + 1:02d} {m // 60:02d}:{m % 60:02d}:00"
            if rng.random() < 0.02:
                delay = ""
            else:
                noise = rng.gauss(0, 12) if rng.random() < 0.9 else rng.expovariate(1 / 60)
                delay = str(round(base[o] + slope[o] * distance + noise))
            buf.append(f"{date},{delay},{distance},{o},{d}\n")
            if len(buf) == 65536:
                out.write("".join(buf))
                buf.clear()
        out.write("".join(buf))


if __name__ == "__main__":
    main()
