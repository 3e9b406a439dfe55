#!/usr/bin/env bash
# The only trainer of a cluster is killed (SIGKILL) mid-sweep and a new one starts 30 s later: the sweep must wait, say
# so, and end exactly like an uninterrupted embedded run. Real redis-server and silo processes on loopback ports
# 16399-16423; needs a Release build (dotnet build -c Release) and redis-server. Not part of the tests (it sleeps).
set -u
R="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"; DATA="${DATA:-$R/../shared/datasets/cat_dog}"; GS="dotnet $R/src/Client/GridSearch.Client/bin/Release/net10.0/gridsearch.dll"; SILO="dotnet $R/src/Silo/GridSearch.Silo/bin/Release/net10.0/GridSearch.Silo.dll"
W="$(mktemp -d)"; rm -rf $W; mkdir -p $W/redis
export GRIDSEARCH_STATE_DIR=$W/state GRIDSEARCH_CACHE_DIR=$W/cli-cache
GRID="--data $DATA --lr 0.01,0.005,0.001 --batch-size 16,32 --epochs 10 --seed 0"
$GS run $GRID --sweep-id base --slots 1 --threads 1 --json --out $W/base > $W/base.json 2>/dev/null; echo "baseline exit $?"
redis-server --port 16399 --bind 127.0.0.1 --dir $W/redis --appendonly yes --save "" > $W/redis.log 2>&1 &
REDIS=$!
sleep 1
common() {
  export GridSearch__Cluster__Redis=127.0.0.1:16399 GridSearch__Cluster__ClusterId=i1 GridSearch__Cluster__ServiceId=i1 \
    GridSearch__Cluster__AdvertisedAddress=127.0.0.1 GridSearch__Trainer__Slots=1 GridSearch__Trainer__ThreadsPerSlot=1 \
    GridSearch__Trainer__CacheDirectory=$W/silo-cache GridSearch__Trainer__DataRoots__0="$(dirname "$DATA")" \
    GridSearch__Membership__ProbeTimeout=00:00:01 GridSearch__Membership__NumMissedProbesLimit=2 \
    GridSearch__Membership__NumVotesForDeathDeclaration=1 GridSearch__Membership__IAmAliveTablePublishTimeout=00:00:02 \
    GridSearch__Membership__NumMissedTableIAmAliveLimit=2 GridSearch__Membership__TableRefreshTimeout=00:00:01 \
    GridSearch__Membership__ValidateInitialConnectivity=false
}
(common; GridSearch__Cluster__SiloName=gw GridSearch__Cluster__SiloPort=16401 GridSearch__Cluster__GatewayPort=16402 GridSearch__Cluster__HttpPort=16403 GridSearch__Trainer__Enabled=false exec $SILO) > $W/gw.log 2>&1 &
GW=$!
(common; GridSearch__Cluster__SiloName=trainer-1 GridSearch__Cluster__SiloPort=16411 GridSearch__Cluster__GatewayPort=16412 GridSearch__Cluster__HttpPort=16413 exec $SILO) > $W/t1.log 2>&1 &
T1=$!
until curl -sf localhost:16403/healthz/ready | grep -q '"trainers":1'; do sleep 1; done
C="--cluster 127.0.0.1:16402 --cluster-id i1"
$GS submit $GRID --sweep-id lost $C; echo "submit exit $?"
until [ "$($GS status lost $C --json 2>/dev/null | python3 -c 'import json,sys; d=json.load(sys.stdin); print(sum(len(t["valAccuracy"]) for t in d["trials"]))' 2>/dev/null || echo 0)" -ge 9 ]; do sleep 0.3; done
echo "$(date +%T) killing the only trainer after >= 9 epochs"; kill -9 $T1
sleep 25 # the cluster declares the silo dead after a few missed probes; the sweep waits from then on
echo "$(date +%T) status during the gap:"; $GS status lost $C 2>&1 | grep -o "Running — waiting for a trainer silo[^:]*" | head -1
curl -s localhost:16403/metrics | grep '^gridsearch_sweep_waiting_for_trainers' 
sleep 5
echo "$(date +%T) starting a new trainer (30 s after the kill)"
(common; GridSearch__Cluster__SiloName=trainer-2 GridSearch__Cluster__SiloPort=16421 GridSearch__Cluster__GatewayPort=16422 GridSearch__Cluster__HttpPort=16423 exec $SILO) > $W/t2.log 2>&1 &
T2=$!
$GS watch lost $C --json --out $W/lost > $W/lost.json 2>$W/watch.err; echo "watch exit $?"
python3 - "$W/base.json" "$W/lost.json" <<'PY'
import json
import sys; a=json.load(open(sys.argv[1])); b=json.load(open(sys.argv[2]))
s=lambda d:[(t['id'],t['status'],t['trainLoss'],t['valAccuracy']) for t in d['trials']]
print('same trials:', s(a)==s(b)); print('same best:', a['best']==b['best'], b['best']); print('same test accuracy:', a['testAccuracy']==b['testAccuracy'], b['testAccuracy'])
print('epochsTrained', a['timings']['epochsTrained'], b['timings']['epochsTrained'])
PY
grep -i "waiting\|trainer silo is active" $W/watch.err | head -3
kill $GW $T2 $REDIS 2>/dev/null; wait 2>/dev/null
