package org.modstamp.example.jpacache;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

@ApplicationPath("api")
public class GreetingApplication extends Application {
}
