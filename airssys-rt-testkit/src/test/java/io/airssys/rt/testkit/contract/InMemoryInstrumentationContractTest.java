package io.airssys.rt.testkit.contract;

import io.airssys.rt.broker.BrokerNode;
import io.airssys.rt.broker.InMemoryMessageBroker;
import io.airssys.rt.instrument.Instrumentation;
import io.airssys.rt.testkit.ManualScheduler;

/** The in-memory broker keeps the instrumentation contract. */
class InMemoryInstrumentationContractTest extends InstrumentationContract {

    @Override
    protected BrokerNode newBroker(Instrumentation instrumentation, ManualScheduler scheduler) {
        return InMemoryMessageBroker.builder().instrumentation(instrumentation).scheduler(scheduler).build();
    }
}
