package io.ipcgateway.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.ipcgateway.core.health.Health;
import io.ipcgateway.core.health.HealthIndicator;
import io.ipcgateway.core.health.HealthStatus;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class HealthReportTest
{
    @Test
    void shouldBeUpWithNoComponents()
    {
        final HealthReport report = HealthReport.of(List.of());
        assertThat(report.status()).isEqualTo(HealthStatus.UP);
        assertThat(report.httpStatus()).isEqualTo(200);
        assertThat(report.toJson()).isEqualTo("{\"status\":\"UP\",\"components\":{}}");
    }

    @Test
    void shouldTakeTheWorstComponentAndServeWhileDegraded()
    {
        final HealthReport degraded = HealthReport.of(List.of(
            HealthIndicator.of("service:echo", Health.of(HealthStatus.UP)),
            HealthIndicator.of("peer:42", Health.of(HealthStatus.DEGRADED))));
        assertThat(degraded.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(degraded.httpStatus()).isEqualTo(200);

        final HealthReport down = HealthReport.of(List.of(
            HealthIndicator.of("service:echo", Health.of(HealthStatus.DOWN)),
            HealthIndicator.of("peer:42", Health.of(HealthStatus.DEGRADED))));
        assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(down.httpStatus()).isEqualTo(503);
    }

    @Test
    void shouldReportAThrowingIndicatorAsDownWithoutHidingOthers()
    {
        final HealthIndicator broken = new HealthIndicator()
        {
            @Override
            public String name()
            {
                return "broken";
            }

            @Override
            public Health health()
            {
                throw new IllegalStateException("header unreadable");
            }
        };
        final HealthIndicator ok = HealthIndicator.of("ok", Health.of(HealthStatus.UP));
        final HealthReport report = HealthReport.of(List.of(broken, ok));

        assertThat(report.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(report.components()).containsKeys("broken", "ok");
        assertThat(report.components().get("broken").details().get("error").toString())
            .contains("header unreadable");
    }

    @Test
    void shouldRenderDetailsAsValidJson()
    {
        final Map<String, Object> details = new LinkedHashMap<>();
        details.put("alive", true);
        details.put("heartbeatAgeMs", 15L);
        details.put("occupancy", 0.25);
        details.put("note", "quote \" backslash \\ newline \n");
        details.put("nan", Double.NaN);
        final HealthIndicator echo = HealthIndicator.of("service:echo", Health.of(HealthStatus.UP, details));
        final String json = HealthReport.of(List.of(echo)).toJson();

        assertThat(json).isEqualTo("{\"status\":\"UP\",\"components\":{\"service:echo\":{\"status\":\"UP\","
            + "\"details\":{\"alive\":true,\"heartbeatAgeMs\":15,\"occupancy\":0.25,"
            + "\"note\":\"quote \\\" backslash \\\\ newline \\n\",\"nan\":null}}}}");
    }
}
